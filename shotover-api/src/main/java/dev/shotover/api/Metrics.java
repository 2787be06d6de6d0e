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
     * {@return the counter with this name and labels, created at zero on first use}
     *
     * @param name   the metric name, e.g. {@code shotover_chain_total_count}
     * @param labels alternating label names and values, e.g. {@code "chain", "main", "transform", "NullSink"}
     */
    Counter counter(String name, String... labels);

    /** A monotonically increasing count. Thread-safe. */
    interface Counter {
        /**
         * Adds to the count.
         *
         * @param amount how much to add, never negative
         */
        void increment(long amount);

        /** Adds one to the count. */
        default void increment() {
            increment(1);
        }

        /** {@return the current count} */
        double count();
    }
}
