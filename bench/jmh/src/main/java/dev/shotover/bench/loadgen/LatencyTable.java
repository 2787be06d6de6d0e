package dev.shotover.bench.loadgen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Collects the runs of one operation and prints them: one line per run, then per target the median of the
 * repetitions, and for every target after the first (the baseline) the p99 it adds, computed per repetition
 * (runs of the same repetition are adjacent in time, so they share the machine's conditions) and summarised by the
 * median and the range.
 *
 * <p>Not thread-safe; used by the generator's main thread.
 */
final class LatencyTable {
    /** One finished run, reduced to what the table shows; latencies in microseconds. */
    record Row(String target, int repetition, double achievedRate, double p50, double p90, double p99, double p999,
               double max, double serviceP99, double sendLagP99, long maxBacklog, long errors, long unanswered,
               long targetTicks, long requests) {

        static Row of(String target, int repetition, FixedRateRun.Result result) {
            Histogram h = result.latency();
            return new Row(target, repetition, result.achievedRate(), micros(h.getValueAtPercentile(50)),
                    micros(h.getValueAtPercentile(90)), micros(h.getValueAtPercentile(99)),
                    micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()),
                    micros(result.serviceTime().getValueAtPercentile(99)),
                    micros(result.sendLag().getValueAtPercentile(99)), result.maxBacklog(), result.errors(),
                    result.unanswered(), result.targetTicks(), h.getTotalCount());
        }

        private static double micros(long nanos) {
            return nanos / 1000.0;
        }
    }

    private final String title;
    private final List<String> targets;
    private final int clockTicks;
    private final Map<String, List<Row>> rows = new LinkedHashMap<>();

    /**
     * @param title      the heading (operation, rate, connections)
     * @param targets    the target names; the first is the baseline
     * @param clockTicks clock ticks per second, for CPU time
     */
    LatencyTable(String title, List<String> targets, int clockTicks) {
        this.title = title;
        this.targets = List.copyOf(targets);
        this.clockTicks = clockTicks;
        for (String target : targets) {
            rows.put(target, new ArrayList<>());
        }
    }

    void add(Row row) {
        rows.get(row.target()).add(row);
    }

    static String header() {
        return String.format(Locale.ROOT, "%-4s %-12s %8s %7s %7s %7s %8s %8s | %8s %8s %7s %s", "rep", "target",
                "req/s", "p50", "p90", "p99", "p99.9", "max", "svc p99", "lag p99", "backlog", "cpu s/M");
    }

    String line(Row r) {
        return String.format(Locale.ROOT, "%-4d %-12s %8.0f %7.0f %7.0f %7.0f %8.0f %8.0f | %8.0f %8.0f %7d %s%s",
                r.repetition(), r.target(), r.achievedRate(), r.p50(), r.p90(), r.p99(), r.p999(), r.max(),
                r.serviceP99(), r.sendLagP99(), r.maxBacklog(), cpuPerMillion(List.of(r)),
                problems(r));
    }

    private static String problems(Row r) {
        StringBuilder sb = new StringBuilder();
        if (r.errors() > 0) {
            sb.append("  ERRORS ").append(r.errors());
        }
        if (r.unanswered() > 0) {
            sb.append("  UNANSWERED ").append(r.unanswered());
        }
        return sb.toString();
    }

    /** {@return the summary: medians per target and what each target adds to the baseline's p99} */
    String summary() {
        StringBuilder out = new StringBuilder();
        out.append(title).append('\n');
        out.append("latency in µs from the intended start (corrected for coordinated omission), median of the "
                + "repetitions (p99 range in brackets)\n");
        out.append(String.format(Locale.ROOT, "%-12s %8s %7s %7s %7s %13s %8s %8s %8s%n", "target", "req/s", "p50",
                "p90", "p99", "(p99 range)", "p99.9", "max", "cpu s/M"));
        for (String target : targets) {
            List<Row> runs = rows.get(target);
            if (runs.isEmpty()) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-12s %8.0f %7.0f %7.0f %7.0f %13s %8.0f %8.0f %8s%n", target,
                    median(runs, Row::achievedRate), median(runs, Row::p50), median(runs, Row::p90),
                    median(runs, Row::p99), "(" + range(runs, Row::p99) + ")", median(runs, Row::p999),
                    median(runs, Row::max), cpuPerMillion(runs)));
        }
        String baseline = targets.get(0);
        for (String target : targets.subList(1, targets.size())) {
            double[] added = addedP99(baseline, target);
            if (added.length == 0) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "p99 added by %s (vs %s): %.0f µs median (per repetition: %s)%n",
                    target, baseline, medianOf(added), join(added)));
        }
        return out.toString();
    }

    /** {@return target p99 minus baseline p99 for every repetition both ran in} */
    double[] addedP99(String baseline, String target) {
        List<Double> added = new ArrayList<>();
        for (Row row : rows.get(target)) {
            for (Row base : rows.get(baseline)) {
                if (base.repetition() == row.repetition()) {
                    added.add(row.p99() - base.p99());
                }
            }
        }
        return added.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@return the median of the p99 values of {@code target}, or NaN when it has no runs} */
    double medianP99(String target) {
        return rows.get(target).isEmpty() ? Double.NaN : median(rows.get(target), Row::p99);
    }

    private String cpuPerMillion(List<Row> runs) {
        long ticks = 0;
        long requests = 0;
        for (Row r : runs) {
            if (r.targetTicks() < 0) {
                return "-";
            }
            ticks += r.targetTicks();
            requests += r.requests();
        }
        if (requests == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", (double) ticks / clockTicks / (requests / 1e6));
    }

    private static double median(List<Row> runs, java.util.function.ToDoubleFunction<Row> field) {
        return medianOf(runs.stream().mapToDouble(field).toArray());
    }

    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String range(List<Row> runs, java.util.function.ToDoubleFunction<Row> field) {
        double[] values = runs.stream().mapToDouble(field).toArray();
        return String.format(Locale.ROOT, "%.0f-%.0f", Arrays.stream(values).min().orElse(0),
                Arrays.stream(values).max().orElse(0));
    }

    private static String join(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%.0f", v));
        }
        return sb.toString();
    }
}
