package dev.shotover.transforms.counter;

import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.transforms.support.PreparedStatements;
import java.util.List;

/**
 * Builds {@link QueryCounter} instances that all count into the same {@link QueryCounters} and share one registry
 * of CQL prepared statements (the occurrence's, so a statement prepared on one connection is counted by its kind
 * when executed on another).
 *
 * <p>Thread-safe.
 */
public final class QueryCounterBuilder implements TransformBuilder {
    private final QueryCounters counters;
    private final PreparedStatements prepared = new PreparedStatements();

    /**
     * @param counterName the {@code name} label; null makes {@link #validate()} report the missing field
     */
    public QueryCounterBuilder(Metrics metrics, String counterName) {
        this.counters = counterName == null ? null : new QueryCounters(metrics, counterName);
    }

    @Override
    public Transform build(TransformContext context) {
        if (counters == null) {
            throw new IllegalStateException("QueryCounter has no counter name; validate() reports this at startup");
        }
        return new QueryCounter(counters, prepared);
    }

    @Override
    public List<String> validate() {
        if (counters == null) {
            return List.of("QueryCounter requires counter_name (older configurations gave the counter's name as name)");
        }
        return List.of();
    }
}
