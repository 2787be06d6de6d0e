package dev.shotover.transforms.testing;

import dev.shotover.api.Metrics;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory {@link Metrics}: counters keyed by {@code name{label=value,...}} in the given label order. */
public final class TestMetrics implements Metrics {
    private final Map<String, TestCounter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public Counter counter(String name, String... labels) {
        lookups.incrementAndGet();
        return counters.computeIfAbsent(key(name, labels), k -> new TestCounter());
    }

    /** The count of a counter, or null when it was never registered. */
    public Long value(String name, String... labels) {
        TestCounter counter = counters.get(key(name, labels));
        return counter == null ? null : counter.value.get();
    }

    /** Every registered counter and its count. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        counters.forEach((k, v) -> snapshot.put(k, v.value.get()));
        return snapshot;
    }

    public Set<String> keys() {
        return snapshot().keySet();
    }

    /** How many times {@link #counter} was called. */
    public int lookups() {
        return lookups.get();
    }

    public static String key(String name, String... labels) {
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append('=').append(labels[i + 1]);
        }
        return sb.append('}').toString();
    }

    private static final class TestCounter implements Counter {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void increment(long amount) {
            value.addAndGet(amount);
        }

        @Override
        public double count() {
            return value.get();
        }
    }
}
