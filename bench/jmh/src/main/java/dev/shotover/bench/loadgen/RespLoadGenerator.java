package dev.shotover.bench.loadgen;

import dev.shotover.bench.loadgen.LoadGeneratorOptions.Target;
import dev.shotover.bench.loadgen.RespRequests.Operation;
import dev.shotover.runtime.net.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-rate RESP load generator: the latency side of {@code bench/valkey-latency}.
 *
 * <p>For each operation, it warms every target up, then runs the repetitions, rotating the order of the targets
 * from one repetition to the next, and prints one line per run and a summary table with the p99 that each target
 * adds to the first one. See {@link LoadGeneratorOptions#USAGE} for the options and {@link LatencyRecorder} for what
 * is measured.
 *
 * <p>Run from the benchmark jar: {@code java -cp bench/jmh/target/shotover-bench.jar
 * dev.shotover.bench.loadgen.RespLoadGenerator --target direct=127.0.0.1:6379 --target proxy=127.0.0.1:6380}.
 * Exits 0 when every run completed, 1 when a run failed (errors, lost responses, a closed connection), 2 on a bad
 * command line.
 */
public final class RespLoadGenerator {
    private RespLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        LoadGeneratorOptions options;
        try {
            options = LoadGeneratorOptions.parse(args);
        } catch (LoadGeneratorOptions.HelpRequested e) {
            System.out.print(LoadGeneratorOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(LoadGeneratorOptions.USAGE);
            System.exit(2);
            return;
        }
        // the generator's own buffers are few and long-lived; sampling them for leaks would only add noise
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        System.exit(run(options, System.out, System.err) ? 0 : 1);
    }

    /** Runs everything; {@return false when a run failed} Progress goes to {@code log}, results to {@code out}. */
    static boolean run(LoadGeneratorOptions options, PrintStream out, PrintStream log) throws InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(options.threads(),
                new DefaultThreadFactory("loadgen", true));
        boolean ok = true;
        try {
            FixedRateRun runner = new FixedRateRun(group, transport);
            List<String> names = new ArrayList<>();
            options.targets().forEach(t -> names.add(t.name()));
            for (Operation operation : options.operations()) {
                RespRequests requests = new RespRequests(operation, options.keys(), options.valueSize());
                try {
                    ok &= runOperation(options, runner, requests, names, out, log);
                } finally {
                    requests.release();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        return ok;
    }

    private static boolean runOperation(LoadGeneratorOptions options, FixedRateRun runner, RespRequests requests,
                                        List<String> names, PrintStream out, PrintStream log)
            throws InterruptedException {
        String title = String.format(Locale.ROOT,
                "%s, %d-byte values, %d keys: %.0f requests/s over %d connections (one request in flight each), "
                        + "%s measured per run after %s warm-up, %d repetitions",
                requests.operation(), options.valueSize(), options.keys(), options.rate(), options.connections(),
                seconds(options.duration()), seconds(options.warmup()), options.repetitions());
        LatencyTable table = new LatencyTable(title, names, options.clockTicks());
        boolean ok = true;
        if (!options.initialWarmup().isZero()) {
            for (Target target : options.targets()) {
                log.printf("[%s] warm-up: %s for %s%n", requests.operation(), target.name(),
                        seconds(options.initialWarmup()));
                try {
                    runner.run(plan(options, target, requests, Duration.ZERO, options.initialWarmup()));
                } catch (java.io.IOException e) {
                    log.println("warm-up of " + target.name() + " failed: " + e.getMessage());
                    return false;
                }
            }
        }
        out.println();
        out.println(title);
        out.println("runs (µs; svc = from the actual send, as a closed-loop tool reports; lag = actual send behind "
                + "schedule; backlog = most requests queued on one connection):");
        out.println(LatencyTable.header());
        List<Target> targets = options.targets();
        for (int rep = 1; rep <= options.repetitions(); rep++) {
            for (int k = 0; k < targets.size(); k++) {
                Target target = targets.get((k + rep - 1) % targets.size());
                log.printf("[%s] repetition %d/%d: %s%n", requests.operation(), rep, options.repetitions(),
                        target.name());
                try {
                    FixedRateRun.Result result = runner.run(plan(options, target, requests, options.warmup(),
                            options.duration()));
                    LatencyTable.Row row = LatencyTable.Row.of(target.name(), rep, result);
                    table.add(row);
                    out.println(table.line(row));
                    ok &= row.errors() == 0 && row.unanswered() == 0;
                } catch (java.io.IOException e) {
                    out.println("run of " + target.name() + " failed: " + e.getMessage());
                    ok = false;
                }
                out.flush();
            }
        }
        out.println();
        out.print(table.summary());
        out.flush();
        return ok;
    }

    private static FixedRateRun.Plan plan(LoadGeneratorOptions options, Target target, RespRequests requests,
                                          Duration warmup, Duration duration) {
        return new FixedRateRun.Plan(target.address(), target.pid(), requests, options.connections(),
                options.rate(), warmup, duration);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3gs", d.toMillis() / 1000.0);
    }
}
