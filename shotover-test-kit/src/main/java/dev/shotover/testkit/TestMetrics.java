package dev.shotover.testkit;

import dev.shotover.api.Metrics;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * An in-memory {@link Metrics} for tests: counters are kept by name and labels and can be read back with
 * {@link #count(String, String...)}. Names and labels are checked with the same rules as the proxy's registry, so a
 * transform whose metric name the proxy would reject fails its unit test too.
 *
 * <p>Thread-safe, like the real registry.
 */
public final class TestMetrics implements Metrics {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Map<String, TestCounter> counters = new ConcurrentHashMap<>();

    /** Creates an empty registry. */
    public TestMetrics() {
    }

    /**
     * The counter with this name and labels, created at zero on first use; the same labels in another order name
     * the same counter.
     *
     * @throws IllegalArgumentException for an invalid metric or label name or an odd number of label strings
     */
    @Override
    public Counter counter(String name, String... labels) {
        return counters.computeIfAbsent(key(name, labels), TestCounter::new);
    }

    /**
     * {@return the value of a counter, or 0 when it was never created}
     *
     * @param name   the metric name
     * @param labels alternating label names and values, in any order
     */
    public double count(String name, String... labels) {
        TestCounter counter = counters.get(key(name, labels));
        return counter == null ? 0 : counter.count();
    }

    /**
     * {@return whether a transform created this counter (looked it up at least once)}
     *
     * @param name   the metric name
     * @param labels alternating label names and values, in any order
     */
    public boolean exists(String name, String... labels) {
        return counters.containsKey(key(name, labels));
    }

    /**
     * {@return every counter created so far, keyed as Prometheus would print it ({@code name{label="value",...}} with
     * labels sorted by name), sorted by key}
     */
    public Map<String, Double> snapshot() {
        Map<String, Double> values = new TreeMap<>();
        counters.forEach((key, counter) -> values.put(key, counter.count()));
        return Collections.unmodifiableMap(values);
    }

    private static String key(String name, String... labels) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "': must match " + METRIC_NAME);
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must alternate names and values, got an odd number: "
                    + Arrays.toString(labels));
        }
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            String label = labels[i];
            if (label == null || !LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("invalid label name '" + label + "' of metric " + name
                        + ": must match " + LABEL_NAME);
            }
            if (labels[i + 1] == null) {
                throw new IllegalArgumentException("label " + label + " of metric " + name + " has a null value");
            }
            if (sorted.put(label, labels[i + 1]) != null) {
                throw new IllegalArgumentException("label " + label + " given twice for metric " + name);
            }
        }
        if (sorted.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        sorted.forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    @Override
    public String toString() {
        return "TestMetrics" + snapshot();
    }

    /** A counter backed by a {@link LongAdder}. */
    private static final class TestCounter implements Counter {
        private final String key;
        private final LongAdder value = new LongAdder();

        TestCounter(String key) {
            this.key = key;
        }

        @Override
        public void increment(long amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("counter " + key + " cannot be decreased (increment by " + amount
                        + ")");
            }
            value.add(amount);
        }

        @Override
        public double count() {
            return value.sum();
        }

        @Override
        public String toString() {
            return key + "=" + count();
        }
    }
}
