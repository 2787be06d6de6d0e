package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Renders a registry in the Prometheus text exposition format 0.0.4 the way Shotover's exporter does: names exactly as
 * registered (no {@code _total} suffix, no unit suffix), histograms as summaries with {@code quantile} labels plus
 * {@code _sum} and {@code _count}, numbers without a trailing {@code .0} or an exponent.
 *
 * <p>Families are sorted by name and series by their label text, so two scrapes of the same state are identical. Names
 * and label names that Prometheus would reject (e.g. Micrometer's dotted {@code jvm.memory.used}, registered straight
 * on the registry) are sanitized by replacing each invalid character with {@code _}.
 *
 * <p>Stateless; safe to call from any thread while meters are being updated.
 */
final class PrometheusText {

    private static final String QUANTILE = "quantile";

    private PrometheusText() {
    }

    /** One rendered family: a {@code # TYPE} line and its sample lines. */
    private record Series(String name, String type, String labels, List<String> lines) {
    }

    static String render(MeterRegistry registry) {
        List<Series> all = new ArrayList<>();
        for (Meter meter : registry.getMeters()) {
            Series series = render(meter);
            if (series != null) {
                all.add(series);
            }
        }
        all.sort(Comparator.comparing(Series::name).thenComparing(Series::type).thenComparing(Series::labels));
        StringBuilder out = new StringBuilder(all.size() * 64);
        String previousName = null;
        String previousType = null;
        for (Series series : all) {
            if (!series.name.equals(previousName) || !series.type.equals(previousType)) {
                out.append("# TYPE ").append(series.name).append(' ').append(series.type).append('\n');
                previousName = series.name;
                previousType = series.type;
            }
            for (String line : series.lines) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static Series render(Meter meter) {
        String name = sanitizeName(meter.getId().getName());
        String labels = labels(meter.getId().getTagsAsIterable());
        List<String> lines = new ArrayList<>();
        if (meter instanceof Counter counter) {
            lines.add(sample(name, labels, counter.count()));
            return new Series(name, "counter", labels, lines);
        }
        if (meter instanceof FunctionCounter counter) {
            lines.add(sample(name, labels, counter.count()));
            return new Series(name, "counter", labels, lines);
        }
        if (meter instanceof TimeGauge gauge) {
            lines.add(sample(name, labels, gauge.value(TimeUnit.SECONDS)));
            return new Series(name, "gauge", labels, lines);
        }
        if (meter instanceof Gauge gauge) {
            lines.add(sample(name, labels, gauge.value()));
            return new Series(name, "gauge", labels, lines);
        }
        if (meter instanceof ShotoverTimer timer) {
            addQuantiles(lines, name, labels, WindowedQuantiles.SHOTOVER_QUANTILES,
                    timer.quantileSeconds(WindowedQuantiles.SHOTOVER_QUANTILES));
            addSumAndCount(lines, name, labels, timer.totalTime(TimeUnit.SECONDS), timer.count());
            return new Series(name, "summary", labels, lines);
        }
        if (meter instanceof ShotoverDistributionSummary summary) {
            addQuantiles(lines, name, labels, WindowedQuantiles.SHOTOVER_QUANTILES,
                    summary.quantileValues(WindowedQuantiles.SHOTOVER_QUANTILES));
            addSumAndCount(lines, name, labels, summary.totalAmount(), summary.count());
            return new Series(name, "summary", labels, lines);
        }
        if (meter instanceof Timer timer) {
            ValueAtPercentile[] percentiles = timer.takeSnapshot().percentileValues();
            double[] levels = new double[percentiles.length];
            double[] values = new double[percentiles.length];
            for (int i = 0; i < percentiles.length; i++) {
                levels[i] = percentiles[i].percentile();
                values[i] = percentiles[i].value(TimeUnit.SECONDS);
            }
            addQuantiles(lines, name, labels, levels, values);
            addSumAndCount(lines, name, labels, timer.totalTime(TimeUnit.SECONDS), timer.count());
            return new Series(name, "summary", labels, lines);
        }
        if (meter instanceof DistributionSummary summary) {
            ValueAtPercentile[] percentiles = summary.takeSnapshot().percentileValues();
            double[] levels = new double[percentiles.length];
            double[] values = new double[percentiles.length];
            for (int i = 0; i < percentiles.length; i++) {
                levels[i] = percentiles[i].percentile();
                values[i] = percentiles[i].value();
            }
            addQuantiles(lines, name, labels, levels, values);
            addSumAndCount(lines, name, labels, summary.totalAmount(), summary.count());
            return new Series(name, "summary", labels, lines);
        }
        if (meter instanceof FunctionTimer timer) {
            addSumAndCount(lines, name, labels, timer.totalTime(TimeUnit.SECONDS), timer.count());
            return new Series(name, "summary", labels, lines);
        }
        // Long task timers and custom meters: one untyped sample per measurement, named after its statistic.
        for (Measurement measurement : meter.measure()) {
            String statistic = measurement.getStatistic().name().toLowerCase(Locale.ROOT);
            lines.add(sample(name + "_" + statistic, labels, measurement.getValue()));
        }
        return lines.isEmpty() ? null : new Series(name, "untyped", labels, lines);
    }

    private static void addQuantiles(List<String> lines, String name, String labels, double[] levels,
            double[] values) {
        for (int i = 0; i < levels.length; i++) {
            String quantileLabel = QUANTILE + "=\"" + formatNumber(levels[i]) + "\"";
            String withQuantile = labels.isEmpty() ? quantileLabel : labels + "," + quantileLabel;
            lines.add(sample(name, withQuantile, values[i]));
        }
    }

    private static void addSumAndCount(List<String> lines, String name, String labels, double sum, double count) {
        lines.add(sample(name + "_sum", labels, sum));
        lines.add(sample(name + "_count", labels, count));
    }

    private static String sample(String name, String labels, double value) {
        StringBuilder line = new StringBuilder(name.length() + labels.length() + 24).append(name);
        if (!labels.isEmpty()) {
            line.append('{').append(labels).append('}');
        }
        return line.append(' ').append(formatNumber(value)).toString();
    }

    /** {@code key="value",...} in Micrometer's tag order (sorted by key), values escaped; empty without tags. */
    private static String labels(Iterable<Tag> tags) {
        StringBuilder out = new StringBuilder();
        for (Tag tag : tags) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(sanitizeLabelName(tag.getKey())).append("=\"");
            escapeLabelValue(tag.getValue(), out);
            out.append('"');
        }
        return out.toString();
    }

    /** Escapes backslash, double quote and line feed, the three characters the text format reserves in values. */
    static void escapeLabelValue(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /**
     * A sample value as Shotover's exporter writes it: integral values without a fraction ({@code 3}, not
     * {@code 3.0}), others in plain decimal notation ({@code 0.000123}, not {@code 1.23E-4}), and {@code NaN},
     * {@code +Inf}, {@code -Inf}.
     */
    static String formatNumber(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String shortest = Double.toString(value);
        if (shortest.indexOf('E') < 0) {
            return shortest;
        }
        if (Math.abs(value) >= 1e15) {
            // Very large values stay in Java's exponent form, which Prometheus parses; plain would be 300 digits.
            return shortest;
        }
        return new BigDecimal(shortest).stripTrailingZeros().toPlainString();
    }

    static boolean isValidMetricName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = isAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isValidLabelName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = isAsciiLetter(c) || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String sanitizeName(String name) {
        if (isValidMetricName(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = isAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
            out.append(ok ? c : '_');
        }
        return out.length() == 0 ? "_" : out.toString();
    }

    private static String sanitizeLabelName(String name) {
        if (isValidLabelName(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = isAsciiLetter(c) || c == '_' || (i > 0 && c >= '0' && c <= '9');
            out.append(ok ? c : '_');
        }
        return out.length() == 0 ? "_" : out.toString();
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
