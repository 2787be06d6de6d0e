package dev.shotover.bench.cql;

import dev.shotover.bench.cql.CqlLoadOptions.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Collects the runs of a CQL benchmark and prints them: one line per run, then one table with a line per operation
 * and connection count: per target the median over the repetitions of throughput, p50 and p99; for every target
 * after the first, its throughput ratio to the first, computed per repetition (the runs of one repetition are
 * adjacent in time, so they share the machine's conditions) and shown as the median with the range; then the CPU
 * seconds per million requests of each target process that has a pid and of the Cassandra node under each target.
 *
 * <p>Not thread-safe; used by the generator's main thread.
 */
final class CqlLoadTable {
    /**
     * One finished run, reduced to what the table shows; latencies in milliseconds.
     *
     * @param targetTicks  CPU ticks of the target's own process in the window, -1 when it has no pid
     * @param backendTicks CPU ticks of the Cassandra node in the window, -1 when unknown
     * @param generatorTicks CPU ticks of the load generator itself in the window, -1 when unknown
     * @param requests     requests completed in the window, errors included
     */
    record Row(Operation operation, int connections, String target, int repetition, double opsPerSecond, double p50,
               double p99, double p999, double max, long errors, long unexpected, long unanswered, long targetTicks,
               long backendTicks, long generatorTicks, long requests) {

        static Row of(Operation operation, int connections, String target, int repetition, CqlLoadRun.Result result) {
            Histogram h = result.latency();
            return new Row(operation, connections, target, repetition, result.opsPerSecond(),
                    millis(h.getValueAtPercentile(50)), millis(h.getValueAtPercentile(99)),
                    millis(h.getValueAtPercentile(99.9)), millis(h.getMaxValue()), result.errors(),
                    result.unexpected(), result.unanswered(), result.cpuTicks()[0], result.cpuTicks()[1],
                    result.cpuTicks().length > 2 ? result.cpuTicks()[2] : -1, result.requests());
        }

        private static double millis(long nanos) {
            return nanos / 1e6;
        }

        boolean failed() {
            return errors > 0 || unexpected > 0 || unanswered > 0;
        }
    }

    /** An operation and connection count: one line of the summary. */
    private record Setting(Operation operation, int connections) {
    }

    private final List<String> targets;
    private final int clockTicks;
    private final List<Row> rows = new ArrayList<>();

    /**
     * @param targets    the target names; the first is the baseline of the ratios
     * @param clockTicks clock ticks per second, for CPU time
     */
    CqlLoadTable(List<String> targets, int clockTicks) {
        this.targets = List.copyOf(targets);
        this.clockTicks = clockTicks;
    }

    void add(Row row) {
        rows.add(row);
    }

    static String header() {
        return String.format(Locale.ROOT, "%-6s %5s %3s %-10s | %8s %8s %8s %8s %8s | %7s %7s %7s", "op",
                "conns", "rep", "target", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "cpu s/M", "cas s/M",
                "gen s/M");
    }

    String line(Row r) {
        StringBuilder problems = new StringBuilder();
        if (r.errors() > 0) {
            problems.append("  ERRORS ").append(r.errors());
        }
        if (r.unexpected() > 0) {
            problems.append("  UNEXPECTED ANSWERS ").append(r.unexpected());
        }
        if (r.unanswered() > 0) {
            problems.append("  UNANSWERED ").append(r.unanswered());
        }
        return String.format(Locale.ROOT, "%-6s %5d %3d %-10s | %8.0f %8.3f %8.3f %8.3f %8.3f | %7s %7s %7s%s",
                r.operation(), r.connections(), r.repetition(), r.target(), r.opsPerSecond(), r.p50(), r.p99(),
                r.p999(), r.max(), cpuPerMillion(r.targetTicks(), r.requests()),
                cpuPerMillion(r.backendTicks(), r.requests()), cpuPerMillion(r.generatorTicks(), r.requests()),
                problems);
    }

    /** {@return the summary table} */
    String summary() {
        Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
        for (Row row : rows) {
            bySetting.computeIfAbsent(new Setting(row.operation(), row.connections()), s -> new ArrayList<>())
                    .add(row);
        }
        List<String> withPid = targets.stream().filter(t -> rows.stream()
                .anyMatch(r -> r.target().equals(t) && r.targetTicks() >= 0)).toList();
        StringBuilder head1 = new StringBuilder(String.format(Locale.ROOT, "%-12s", ""));
        StringBuilder head2 = new StringBuilder(String.format(Locale.ROOT, "%-12s", "op     conns"));
        for (String target : targets) {
            head1.append(String.format(Locale.ROOT, " | %-25s", center(target, 25)));
            head2.append(String.format(Locale.ROOT, " | %7s %8s %8s", "ops/s", "p50 ms", "p99 ms"));
        }
        for (String target : targets.subList(1, targets.size())) {
            String name = target + "/" + targets.get(0);
            int width = Math.max(17, name.length());
            head1.append(String.format(Locale.ROOT, " | %-" + width + "s", name));
            head2.append(String.format(Locale.ROOT, " | %-" + width + "s", "ops/s (range)"));
        }
        head1.append(" |");
        head2.append(" |");
        for (String target : withPid) {
            head1.append(String.format(Locale.ROOT, " %10s", target + " cpu"));
            head2.append(String.format(Locale.ROOT, " %10s", "s/M"));
        }
        head1.append("  Cassandra cpu s/M under");
        for (String target : targets) {
            head2.append(String.format(Locale.ROOT, " %10s", target));
        }
        StringBuilder out = new StringBuilder();
        out.append(head1).append('\n').append(head2).append('\n');
        for (Map.Entry<Setting, List<Row>> entry : bySetting.entrySet()) {
            Setting setting = entry.getKey();
            List<Row> settingRows = entry.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s %5d", setting.operation(),
                    setting.connections()));
            for (String target : targets) {
                List<Row> own = of(settingRows, target);
                line.append(String.format(Locale.ROOT, " | %7.0f %8.3f %8.3f",
                        median(own.stream().mapToDouble(Row::opsPerSecond).toArray()),
                        median(own.stream().mapToDouble(Row::p50).toArray()),
                        median(own.stream().mapToDouble(Row::p99).toArray())));
            }
            for (String target : targets.subList(1, targets.size())) {
                double[] ratios = ratios(settingRows, target, targets.get(0));
                int width = Math.max(17, (target + "/" + targets.get(0)).length());
                String text = ratios.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f (%.2f-%.2f)",
                        median(ratios), Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max()
                                .orElse(0));
                line.append(String.format(Locale.ROOT, " | %-" + width + "s", text));
            }
            line.append(" |");
            for (String target : withPid) {
                List<Row> own = of(settingRows, target);
                boolean known = own.stream().allMatch(r -> r.targetTicks() >= 0);
                line.append(String.format(Locale.ROOT, " %10s", known ? cpuPerMillion(
                        own.stream().mapToLong(Row::targetTicks).sum(), own.stream().mapToLong(Row::requests)
                                .sum()) : "-"));
            }
            for (String target : targets) {
                List<Row> own = of(settingRows, target);
                boolean known = own.stream().allMatch(r -> r.backendTicks() >= 0);
                line.append(String.format(Locale.ROOT, " %10s", known ? cpuPerMillion(
                        own.stream().mapToLong(Row::backendTicks).sum(), own.stream().mapToLong(Row::requests)
                                .sum()) : "-"));
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** {@return true when any run had errors, unexpected answers or unanswered requests} */
    boolean anyFailed() {
        return rows.stream().anyMatch(Row::failed);
    }

    private static List<Row> of(List<Row> rows, String target) {
        return rows.stream().filter(r -> r.target().equals(target)).toList();
    }

    /** Per repetition: the throughput of {@code target} divided by that of {@code baseline}. */
    private static double[] ratios(List<Row> rows, String target, String baseline) {
        List<Double> ratios = new ArrayList<>();
        for (Row row : of(rows, target)) {
            of(rows, baseline).stream().filter(b -> b.repetition() == row.repetition() && b.opsPerSecond() > 0)
                    .findFirst().ifPresent(b -> ratios.add(row.opsPerSecond() / b.opsPerSecond()));
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private String cpuPerMillion(long ticks, long requests) {
        if (ticks < 0 || requests == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", ticks / (double) clockTicks / (requests / 1e6));
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String center(String text, int width) {
        int pad = Math.max(0, (width - text.length()) / 2);
        return " ".repeat(pad) + Objects.requireNonNull(text);
    }
}
