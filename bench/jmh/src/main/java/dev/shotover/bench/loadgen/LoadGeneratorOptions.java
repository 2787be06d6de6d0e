package dev.shotover.bench.loadgen;

import dev.shotover.bench.loadgen.RespRequests.Operation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link RespLoadGenerator}. Immutable.
 *
 * @param targets        the servers to measure, in the order of the first repetition
 * @param operations     the operations to measure, one table each
 * @param rate           requests per second over all connections
 * @param connections    client connections, each with at most one request on the wire
 * @param threads        event-loop threads of the generator
 * @param duration       measured window of each run
 * @param warmup         discarded start of each run (fresh connections, and the proxy's first backend connects)
 * @param initialWarmup  one discarded run per target before the repetitions, to compile the hot paths
 * @param repetitions    runs per target; the order of the targets rotates between repetitions
 * @param valueSize      bytes per value
 * @param keys           distinct keys
 * @param clockTicks     clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK})
 */
public record LoadGeneratorOptions(List<Target> targets, List<Operation> operations, double rate, int connections,
                                   int threads, Duration duration, Duration warmup, Duration initialWarmup,
                                   int repetitions, int valueSize, int keys, int clockTicks) {

    /**
     * A server to measure.
     *
     * @param name    the column name, e.g. {@code direct}, {@code proxy}
     * @param address where it listens
     * @param pid     its process id, for its CPU time; 0 when unknown
     */
    public record Target(String name, InetSocketAddress address, long pid) {
        /** Parses {@code name=host:port} or {@code name=host:port@pid}. */
        static Target parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a target is name=host:port[@pid], got " + spec);
            }
            String name = spec.substring(0, eq);
            String rest = spec.substring(eq + 1);
            long pid = 0;
            int at = rest.indexOf('@');
            if (at >= 0) {
                pid = Long.parseLong(rest.substring(at + 1));
                rest = rest.substring(0, at);
            }
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a target is name=host:port[@pid], got " + spec);
            }
            return new Target(name, new InetSocketAddress(rest.substring(0, colon),
                    Integer.parseInt(rest.substring(colon + 1))), pid);
        }
    }

    static final String USAGE = """
            Usage: java -cp shotover-bench.jar dev.shotover.bench.loadgen.RespLoadGenerator [options]

            Sends GET or SET requests at a fixed rate, from N connections with one request in flight each, and
            reports latency from each request's intended start (no coordinated omission) with HdrHistogram.

              --target name=host:port[@pid]  a server to measure (repeat; the first is the baseline that the
                                             "added" lines compare with); @pid adds its CPU time
              --op get,set                   operations, one table each (default get)
              --rate N                       requests per second over all connections (default 20000)
              --connections N                client connections (default 50)
              --threads N                    event-loop threads of the generator (default 1)
              --duration S                   measured seconds per run (default 15)
              --warmup S                     discarded seconds at the start of each run (default 2)
              --initial-warmup S             one discarded run of S seconds per target first (default 10)
              --reps N                       repetitions per target, order rotating (default 3)
              --value-size N                 bytes per value (default 3)
              --keys N                       distinct keys (default 1000)
              --clk-tck N                    clock ticks per second of /proc/<pid>/stat (default 100)
            """;

    /** Parses the command line; throws {@link IllegalArgumentException} with a message for the user. */
    static LoadGeneratorOptions parse(String[] args) {
        List<Target> targets = new ArrayList<>();
        List<Operation> operations = List.of(Operation.GET);
        double rate = 20_000;
        int connections = 50;
        int threads = 1;
        Duration duration = Duration.ofSeconds(15);
        Duration warmup = Duration.ofSeconds(2);
        Duration initialWarmup = Duration.ofSeconds(10);
        int repetitions = 3;
        int valueSize = 3;
        int keys = 1000;
        int clockTicks = 100;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("-h") || option.equals("--help")) {
                throw new HelpRequested();
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--target" -> targets.add(Target.parse(value));
                case "--op" -> {
                    List<Operation> parsed = new ArrayList<>();
                    for (String name : value.split("[, ]+")) {
                        parsed.add(Operation.parse(name));
                    }
                    operations = List.copyOf(parsed);
                }
                case "--rate" -> rate = Double.parseDouble(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--duration" -> duration = seconds(value);
                case "--warmup" -> warmup = seconds(value);
                case "--initial-warmup" -> initialWarmup = seconds(value);
                case "--reps" -> repetitions = Integer.parseInt(value);
                case "--value-size" -> valueSize = Integer.parseInt(value);
                case "--keys" -> keys = Integer.parseInt(value);
                case "--clk-tck" -> clockTicks = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("give at least one --target");
        }
        if (rate <= 0 || connections < 1 || threads < 1 || repetitions < 1 || duration.isZero()) {
            throw new IllegalArgumentException("rate, connections, threads, reps and duration must be positive");
        }
        return new LoadGeneratorOptions(List.copyOf(targets), operations, rate, connections, threads, duration,
                warmup, initialWarmup, repetitions, valueSize, keys, clockTicks);
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help", null, false, false);
        }
    }
}
