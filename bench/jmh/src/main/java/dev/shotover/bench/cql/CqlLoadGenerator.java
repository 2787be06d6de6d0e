package dev.shotover.bench.cql;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.shotover.bench.cql.CqlLoadOptions.Operation;
import dev.shotover.bench.cql.CqlLoadOptions.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load side of {@code bench/cassandra-passthrough}: prepared INSERTs and SELECTs with the Apache Java driver,
 * against Cassandra directly and through the proxy, in the same run.
 *
 * <p>It opens one session per target and connection count up front (so that connecting is never measured; idle
 * sessions cost only heartbeats), creates the table and writes every key once through the first target, then for
 * each operation: one discarded warm-up run per target (the JIT of the proxy, the driver and Cassandra), then for
 * each connection count the repetitions, the order of the targets rotating from one repetition to the next. See
 * {@link CqlLoadRun} for what a run measures and {@link CqlLoadTable} for the table.
 *
 * <p>Run from the benchmark jar: {@code java -cp shotover-bench.jar dev.shotover.bench.cql.CqlLoadGenerator
 * --target direct=127.0.0.1:19042 --target proxy=127.0.0.1:9042@<pid> --backend-pid <pid>}. Exits 0 when every run
 * completed cleanly, 1 when a run had errors, unexpected answers or unanswered requests, 2 on a bad command line.
 */
public final class CqlLoadGenerator {
    private CqlLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        CqlLoadOptions options;
        try {
            options = CqlLoadOptions.parse(args);
        } catch (CqlLoadOptions.HelpRequested e) {
            System.out.print(CqlLoadOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(CqlLoadOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out, System.err) ? 0 : 1);
    }

    /** Runs everything; {@return false when a run failed} Progress goes to {@code log}, results to {@code out}. */
    static boolean run(CqlLoadOptions options, PrintStream out, PrintStream log) throws InterruptedException {
        Map<String, CqlWorkload> workloads = new LinkedHashMap<>();
        List<CqlSession> sessions = new ArrayList<>();
        try {
            Target first = options.targets().get(0);
            log.printf("connecting to %s%n", first.address());
            CqlSession setup = CqlWorkload.connect(first.address(), 1, options.inFlight(), options.protocol(),
                    options.compression());
            sessions.add(setup);
            CqlWorkload.createSchema(setup);
            log.printf("writing %d keys of %d bytes through %s%n", options.keys(), options.valueSize(), first.name());
            new CqlWorkload(setup, options.keys(), options.valueSize()).fill(options.inFlight());
            out.printf("driver protocol %s%n", setup.getContext().getProtocolVersion());
            for (Target target : options.targets()) {
                for (int connections : options.connections()) {
                    log.printf("session to %s with %d connection(s)%n", target.name(), connections);
                    CqlSession session = CqlWorkload.connect(target.address(), connections, options.inFlight(),
                            options.protocol(), options.compression());
                    sessions.add(session);
                    workloads.put(key(target, connections), new CqlWorkload(session, options.keys(),
                            options.valueSize()));
                }
            }
            return measure(options, workloads, out, log);
        } finally {
            sessions.forEach(CqlSession::close);
        }
    }

    private static boolean measure(CqlLoadOptions options, Map<String, CqlWorkload> workloads, PrintStream out,
                                   PrintStream log) throws InterruptedException {
        List<Target> targets = options.targets();
        CqlLoadTable table = new CqlLoadTable(targets.stream().map(Target::name).toList(), options.clockTicks());
        out.println();
        out.println(title(options));
        out.println("runs (latency from " + (options.closedLoop() ? "send" : "the intended start")
                + " to answer; cpu s/M = CPU seconds per million requests of the target's own process; "
                + "cas s/M = of the Cassandra node; gen s/M = of this load generator):");
        out.println(CqlLoadTable.header());
        out.flush();
        int maxConnections = options.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
        for (Operation operation : options.operations()) {
            if (!options.initialWarmup().isZero()) {
                for (Target target : targets) {
                    log.printf("[%s] warm-up: %s for %ss%n", operation, target.name(),
                            options.initialWarmup().toSeconds());
                    CqlLoadRun.run(plan(options, workloads.get(key(target, maxConnections)), operation, target,
                            Duration.ZERO, options.initialWarmup()));
                }
            }
            for (int connections : options.connections()) {
                for (int rep = 1; rep <= options.repetitions(); rep++) {
                    for (int k = 0; k < targets.size(); k++) {
                        Target target = targets.get((k + rep - 1) % targets.size());
                        log.printf("[%s, %d connection(s)] repetition %d/%d: %s%n", operation, connections, rep,
                                options.repetitions(), target.name());
                        CqlLoadRun.Result result = CqlLoadRun.run(plan(options,
                                workloads.get(key(target, connections)), operation, target, options.warmup(),
                                options.duration()));
                        CqlLoadTable.Row row = CqlLoadTable.Row.of(operation, connections, target.name(), rep,
                                result);
                        table.add(row);
                        out.println(table.line(row));
                        if (result.firstError() != null) {
                            out.println("    first error: " + result.firstError());
                        }
                        out.flush();
                    }
                }
            }
        }
        out.println();
        out.println(title(options));
        out.print(table.summary());
        out.println(peakRss(options));
        out.flush();
        return !table.anyFailed();
    }

    private static CqlLoadRun.Plan plan(CqlLoadOptions options, CqlWorkload workload, Operation operation,
                                        Target target, Duration warmup, Duration duration) {
        return new CqlLoadRun.Plan(workload.sender(operation), options.inFlight(), options.rate(), warmup, duration,
                target.pid(), options.backendPid(), ProcessHandle.current().pid());
    }

    private static String key(Target target, int connections) {
        return target.name() + "/" + connections;
    }

    private static String title(CqlLoadOptions options) {
        String load = options.closedLoop()
                ? options.inFlight() + " requests in flight (closed loop)"
                : String.format(Locale.ROOT, "%.0f requests/s on a fixed schedule (at most %d in flight)",
                        options.rate(), options.inFlight());
        return String.format(Locale.ROOT, "prepared statements, %d-byte blobs, %d keys, %s, protocol %s, "
                        + "compression %s; median of %d x %ss after %ss warm-up",
                options.valueSize(), options.keys(), load, options.protocol() == null ? "negotiated"
                        : options.protocol(), options.compression(), options.repetitions(),
                options.duration().toMillis() / 1000.0, options.warmup().toMillis() / 1000.0);
    }

    private static String peakRss(CqlLoadOptions options) {
        StringBuilder line = new StringBuilder("peak RSS (VmHWM):");
        for (Target target : options.targets()) {
            if (target.pid() != 0) {
                line.append(' ').append(target.name()).append(' ').append(peakRssMb(target.pid())).append(" MB,");
            }
        }
        if (options.backendPid() != 0) {
            line.append(" cassandra ").append(peakRssMb(options.backendPid())).append(" MB");
        }
        return line.toString();
    }

    /** {@return the process's peak resident set in MB from /proc, or "?"} */
    static String peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "?";
        }
        return "?";
    }
}
