package dev.shotover.api;

/**
 * The proxy's metrics, as far as a transform needs them. Metrics are exposed on the observability interface
 * ({@code GET /metrics}) in Prometheus text format under exactly the given names; each proxy instance has its own
 * registry.
 *
 * <p>Thread-safe. Look counters up once (in the builder) and keep them: lookups cost more than increments.
 */
public interface Metrics {

    /**
     * The counter with this name and labels, created at zero on first use.
     *
     * @param labels alternating label names and values, e.g. {@code "chain", "main", "transform", "NullSink"}
     */
    Counter counter(String name, String... labels);

    /** A monotonically increasing count. Thread-safe. */
    interface Counter {
        void increment(long amount);

        default void increment() {
            increment(1);
        }

        double count();
    }
}
