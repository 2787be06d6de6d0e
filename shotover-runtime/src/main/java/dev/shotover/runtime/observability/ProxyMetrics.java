package dev.shotover.runtime.observability;

import dev.shotover.api.Metrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The metrics of one proxy instance, exposed in Prometheus text format under exactly Shotover's names.
 *
 * <p>Each instance owns its own Micrometer registry (never Micrometer's global one), so several proxies in one JVM
 * (embedding, tests, hot reload) report independently. Metric kinds map to Prometheus as Shotover's exporter renders
 * them:
 * <ul>
 *   <li>{@link #counter} &rarr; {@code counter}, rendered under the given name with no {@code _total} suffix, e.g.
 *       {@code connections_opened{source="valkey"} 1};</li>
 *   <li>{@link #timer} (latencies) and {@link #summary} (batch sizes) &rarr; {@code summary} with quantiles 0, 0.1,
 *       0.5, 0.9, 0.95, 0.99, 0.999 and 1 over the last 40 to 60 seconds, and cumulative {@code _sum} and
 *       {@code _count}; timers are rendered in seconds;</li>
 *   <li>{@link #gauge} &rarr; {@code gauge}, read on each scrape.</li>
 * </ul>
 * Labels are given as alternating names and values ({@code "chain", "main", "transform", "NullSink"}); they are
 * rendered sorted by name. Meters registered directly on {@link #registry()} are rendered too.
 *
 * <p>Thread-safe. Look meters up once and keep them: a lookup is a map access plus an allocation, recording is a few
 * atomic operations. Recording into a timer or summary does not allocate and takes no lock (see
 * {@link WindowedQuantiles}).
 */
public final class ProxyMetrics implements Metrics {

    private final MeterRegistry registry;

    /** Metrics on the system clock. */
    public ProxyMetrics() {
        this(Clock.SYSTEM);
    }

    /** Metrics on the given clock; tests pass Micrometer's {@code MockClock} to move the quantile window. */
    public ProxyMetrics(Clock clock) {
        this.registry = new ProxyMeterRegistry(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The counter with this name and labels, created at zero on first use (and then rendered even while zero).
     *
     * @throws IllegalArgumentException if the name or a label name is not a valid Prometheus name, or the labels are
     *     not name/value pairs
     */
    @Override
    public Metrics.Counter counter(String name, String... labels) {
        return new MicrometerCounter(io.micrometer.core.instrument.Counter.builder(checkName(name))
                .tags(tags(name, labels, false))
                .register(registry));
    }

    /**
     * The latency histogram with this name and labels, e.g. {@code shotover_chain_latency_seconds}; record durations
     * with {@link Timer#record(long, java.util.concurrent.TimeUnit)}. Rendered in seconds as a summary.
     *
     * @throws IllegalArgumentException as for {@link #counter}, or if a label is named {@code quantile}
     */
    public Timer timer(String name, String... labels) {
        return Timer.builder(checkName(name)).tags(tags(name, labels, true)).register(registry);
    }

    /**
     * The value histogram with this name and labels, e.g. {@code shotover_chain_requests_batch_size}; rendered as a
     * summary of the recorded amounts.
     *
     * @throws IllegalArgumentException as for {@link #timer}
     */
    public DistributionSummary summary(String name, String... labels) {
        return DistributionSummary.builder(checkName(name)).tags(tags(name, labels, true)).register(registry);
    }

    /**
     * Registers a gauge read from {@code value} on every scrape, e.g. {@code shotover_available_connections_count}.
     * Registering again under the same name and labels replaces the previous supplier. The supplier is held strongly;
     * it should be cheap and must not block. If it throws, the scrape shows {@code NaN}.
     *
     * @throws IllegalArgumentException as for {@link #counter}, or if a meter of another kind has this name and labels
     */
    public void gauge(String name, DoubleSupplier value, String... labels) {
        Objects.requireNonNull(value, "value");
        Tags tags = tags(name, labels, false);
        checkName(name);
        synchronized (this) {
            for (Meter existing : registry.find(name).tags(tags).meters()) {
                if (existing instanceof Gauge && sameTags(existing.getId(), tags)) {
                    registry.remove(existing);
                }
            }
            Gauge.builder(name, value, DoubleSupplier::getAsDouble).tags(tags).strongReference(true)
                    .register(registry);
        }
    }

    /** Removes the gauge with this name and labels, if any (e.g. when a source shuts down). */
    public void removeGauge(String name, String... labels) {
        Tags tags = tags(name, labels, false);
        synchronized (this) {
            for (Meter existing : registry.find(name).tags(tags).meters()) {
                if (existing instanceof Gauge && sameTags(existing.getId(), tags)) {
                    registry.remove(existing);
                }
            }
        }
    }

    /**
     * The Micrometer registry behind these metrics, for binders (JVM, Netty allocator, ...) and meters this class has no
     * method for. Every meter registered on it appears in {@link #scrape()}; timers and distribution summaries always
     * become Shotover-style summaries, whatever percentile or histogram settings they ask for.
     */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * All metrics in the Prometheus text exposition format 0.0.4, one {@code # TYPE} line per family, families sorted
     * by name and series by labels. Safe to call concurrently with recording; each value is read once, so a scrape is
     * not an atomic snapshot across meters.
     */
    public String scrape() {
        return PrometheusText.render(registry);
    }

    private static boolean sameTags(Meter.Id id, Tags tags) {
        List<Tag> actual = new ArrayList<>();
        id.getTagsAsIterable().forEach(actual::add);
        List<Tag> wanted = new ArrayList<>();
        tags.forEach(wanted::add);
        return actual.equals(wanted);
    }

    private static String checkName(String name) {
        if (!PrometheusText.isValidMetricName(name)) {
            throw new IllegalArgumentException("invalid metric name '" + name + "': must match [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        return name;
    }

    private static Tags tags(String name, String[] labels, boolean isSummary) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels of metric '" + name
                    + "' must be name/value pairs, got an odd number of strings: " + String.join(", ", labels));
        }
        List<Tag> tags = new ArrayList<>(labels.length / 2);
        for (int i = 0; i < labels.length; i += 2) {
            String label = labels[i];
            if (!PrometheusText.isValidLabelName(label)) {
                throw new IllegalArgumentException("invalid label name '" + label + "' on metric '" + name
                        + "': must match [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (isSummary && label.equals("quantile")) {
                throw new IllegalArgumentException(
                        "label name 'quantile' is reserved for the quantiles of summary '" + name + "'");
            }
            tags.add(Tag.of(label, Objects.requireNonNull(labels[i + 1], "value of label " + label)));
        }
        return Tags.of(tags);
    }

    /** Adapts a Micrometer counter to the SDK's counter; thread-safe. */
    private record MicrometerCounter(io.micrometer.core.instrument.Counter counter) implements Metrics.Counter {
        @Override
        public void increment(long amount) {
            counter.increment(amount);
        }

        @Override
        public double count() {
            return counter.count();
        }
    }
}
