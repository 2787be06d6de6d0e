package dev.shotover.transforms.coalesce;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds one {@link Coalesce} per connection: the buffer is per-connection state, so nothing is shared.
 *
 * <p>Thread-safe (immutable).
 */
public final class CoalesceBuilder implements TransformBuilder {
    private final int flushCount;
    private final long intervalNanos;
    private final List<String> problems;

    /**
     * @param config   the configuration; only read when {@code problems} is empty
     * @param problems configuration problems, reported by {@link #validate()}
     */
    public CoalesceBuilder(CoalesceConfig config, List<String> problems) {
        this.problems = List.copyOf(problems);
        boolean valid = this.problems.isEmpty();
        this.flushCount = valid && config.flushWhenBufferedMessageCount() != null
                ? (int) (long) config.flushWhenBufferedMessageCount() : 0;
        this.intervalNanos = valid && config.flushWhenMillisSinceLastFlush() != null
                ? TimeUnit.MILLISECONDS.toNanos(config.flushWhenMillisSinceLastFlush()) : 0;
    }

    @Override
    public Transform build(TransformContext context) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid Coalesce configuration: " + problems);
        }
        return new Coalesce(context, flushCount, intervalNanos);
    }

    @Override
    public List<String> validate() {
        return problems;
    }
}
