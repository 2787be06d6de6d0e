package dev.shotover.transforms.counter;

import dev.shotover.api.Metrics;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code shotover_query_count{name, query, type}} counters of one QueryCounter occurrence, looked up once per
 * (query, type) pair and kept, because a registry lookup costs far more than an increment.
 *
 * <p>The query label comes from clients (any command name), so the cache is capped at {@value #MAX_CACHED}
 * entries; beyond that, counters are still counted but looked up each time.
 *
 * <p><b>Threading.</b> Thread-safe: shared by every connection of the chain, across event loops.
 */
public final class QueryCounters {

    /** The metric name; the same as Shotover's. */
    public static final String METRIC_NAME = "shotover_query_count";

    static final int MAX_CACHED = 1024;

    private final Metrics metrics;
    private final String counterName;
    private final ConcurrentMap<QueryLabels, Metrics.Counter> cache = new ConcurrentHashMap<>();

    /**
     * Also registers the bare {@code shotover_query_count{name=<counterName>}} counter at zero, as Shotover does,
     * so the metric is visible before the first request.
     */
    public QueryCounters(Metrics metrics, String counterName) {
        this.metrics = Objects.requireNonNull(metrics);
        this.counterName = Objects.requireNonNull(counterName);
        metrics.counter(METRIC_NAME, "name", counterName);
    }

    /** Counts one request with these labels. */
    public void increment(String query, String type) {
        QueryLabels labels = new QueryLabels(query, type);
        Metrics.Counter counter = cache.get(labels);
        if (counter == null) {
            counter = metrics.counter(METRIC_NAME, "name", counterName, "query", query, "type", type);
            if (cache.size() < MAX_CACHED) {
                // Racing threads may both look the counter up; the registry returns the same counter to both.
                cache.putIfAbsent(labels, counter);
            }
        }
        counter.increment();
    }

    /** The counter name (the {@code name} label). */
    public String counterName() {
        return counterName;
    }

    int cachedCount() {
        return cache.size();
    }

    private record QueryLabels(String query, String type) {
    }
}
