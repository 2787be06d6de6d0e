package dev.shotover.bench.cql;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@link CqlLoadGenerator}. Immutable.
 *
 * @param targets        the CQL endpoints to measure, in the order of the first repetition; the first is the
 *                       baseline of the ratios
 * @param backendPid     the Cassandra server's process id, whose CPU time is reported for every target; 0 = none
 * @param operations     the statements to measure, one block of the table each
 * @param connections    driver connections per session (the pool size); each value is measured
 * @param inFlight       requests in flight at once over all connections (closed loop), or the most allowed at
 *                       once in fixed-rate mode
 * @param rate           0 for a closed loop (as fast as the target answers); else requests per second, sent on a
 *                       fixed schedule and timed from their intended start
 * @param duration       measured window of each run
 * @param warmup         discarded start of each run
 * @param initialWarmup  one discarded run per operation and target before the repetitions
 * @param repetitions    runs per target and setting; the order of the targets rotates between repetitions
 * @param valueSize      bytes of the blob each INSERT writes
 * @param keys           distinct partition keys; all are written before the first SELECT run
 * @param protocol       the protocol version the driver must use ({@code V4}, {@code V5}), or null to negotiate
 * @param compression    {@code none}, {@code lz4} or {@code snappy}
 * @param clockTicks     clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK})
 */
public record CqlLoadOptions(List<Target> targets, long backendPid, List<Operation> operations,
                             List<Integer> connections, int inFlight, double rate, Duration duration,
                             Duration warmup, Duration initialWarmup, int repetitions, int valueSize, int keys,
                             String protocol, String compression, int clockTicks) {

    /** A prepared statement of the workload. */
    public enum Operation {
        /** {@code INSERT INTO bench.kv (k, v) VALUES (?, ?)} with a random key and a {@code valueSize} blob. */
        INSERT,
        /** {@code SELECT v FROM bench.kv WHERE k = ?} with a random key; every key exists. */
        SELECT
    }

    /**
     * A CQL endpoint to measure.
     *
     * @param name    the column name, e.g. {@code direct}, {@code proxy}
     * @param address where it listens
     * @param pid     its process id, for its CPU time and peak RSS; 0 when it is the Cassandra node itself (whose
     *                CPU is the backend column) or unknown
     */
    public record Target(String name, InetSocketAddress address, long pid) {
        /** Parses {@code name=host:port} or {@code name=host:port@pid}. */
        static Target parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a target is name=host:port[@pid], got " + spec);
            }
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
            return new Target(spec.substring(0, eq), new InetSocketAddress(rest.substring(0, colon),
                    Integer.parseInt(rest.substring(colon + 1))), pid);
        }
    }

    /** Thrown by {@link #parse} for {@code -h}/{@code --help}. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }

    static final String USAGE = """
            Usage: java -cp shotover-bench.jar dev.shotover.bench.cql.CqlLoadGenerator [options]

            Prepared INSERTs and SELECTs with the Apache Java driver against each target in turn, repetitions
            alternating; prints one line per run and a table of medians with the ratios against the first target.

              --target name=host:port[@pid]  a CQL endpoint (repeat; the first is the baseline of the ratios);
                                             @pid adds that process's CPU time and peak RSS
              --backend-pid PID              the Cassandra node's pid: its CPU per request for every target
              --ops insert,select            statements, measured in this order (default insert,select)
              --connections 1,10             driver connections per session, each measured (default 1,10)
              --in-flight N                  requests in flight at once (default 128)
              --rate N                       0 = closed loop, as fast as answered (default); N = requests per
                                             second on a fixed schedule, latency from the intended start
              --duration S                   measured seconds per run (default 10)
              --warmup S                     discarded seconds at the start of each run (default 2)
              --initial-warmup S             one discarded run per operation and target first (default 20)
              --reps N                       repetitions, target order rotating (default 3)
              --value-size N                 bytes per blob (default 100)
              --keys N                       distinct keys, all written before SELECTs (default 10000)
              --protocol V4|V5|auto          protocol version (default V5; auto = the driver negotiates)
              --compression none|lz4|snappy  (default none)
              --clk-tck N                    clock ticks per second of /proc/<pid>/stat (default 100)
            """;

    /** {@return the options of a command line} @throws IllegalArgumentException on a bad or missing option */
    static CqlLoadOptions parse(String[] args) {
        List<Target> targets = new ArrayList<>();
        long backendPid = 0;
        List<Operation> operations = List.of(Operation.INSERT, Operation.SELECT);
        List<Integer> connections = List.of(1, 10);
        int inFlight = 128;
        double rate = 0;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(2);
        Duration initialWarmup = Duration.ofSeconds(20);
        int repetitions = 3;
        int valueSize = 100;
        int keys = 10_000;
        String protocol = "V5";
        String compression = "none";
        int clockTicks = 100;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("-h") || option.equals("--help")) {
                throw new HelpRequested();
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--target" -> targets.add(Target.parse(value));
                case "--backend-pid" -> backendPid = Long.parseLong(value);
                case "--ops" -> operations = parseOperations(value);
                case "--connections" -> connections = parseInts(value);
                case "--in-flight" -> inFlight = positive(option, Integer.parseInt(value));
                case "--rate" -> rate = Double.parseDouble(value);
                case "--duration" -> duration = seconds(value);
                case "--warmup" -> warmup = seconds(value);
                case "--initial-warmup" -> initialWarmup = seconds(value);
                case "--reps" -> repetitions = positive(option, Integer.parseInt(value));
                case "--value-size" -> valueSize = Integer.parseInt(value);
                case "--keys" -> keys = positive(option, Integer.parseInt(value));
                case "--protocol" -> protocol = value.equalsIgnoreCase("auto") ? null : protocol(value);
                case "--compression" -> compression = compression(value);
                case "--clk-tck" -> clockTicks = positive(option, Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one --target is needed");
        }
        if (duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (closed loop) or positive");
        }
        return new CqlLoadOptions(List.copyOf(targets), backendPid, operations, connections, inFlight, rate,
                duration, warmup, initialWarmup, repetitions, valueSize, keys, protocol, compression, clockTicks);
    }

    private static List<Operation> parseOperations(String value) {
        List<Operation> operations = new ArrayList<>();
        for (String name : value.split("[, ]+")) {
            operations.add(Operation.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        }
        return List.copyOf(operations);
    }

    private static List<Integer> parseInts(String value) {
        List<Integer> values = new ArrayList<>();
        for (String part : value.split("[, ]+")) {
            values.add(positive("--connections", Integer.parseInt(part.trim())));
        }
        return List.copyOf(values);
    }

    private static String protocol(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!upper.equals("V3") && !upper.equals("V4") && !upper.equals("V5")) {
            throw new IllegalArgumentException("--protocol must be V3, V4, V5 or auto, not " + value);
        }
        return upper;
    }

    private static String compression(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.equals("none") && !lower.equals("lz4") && !lower.equals("snappy")) {
            throw new IllegalArgumentException("--compression must be none, lz4 or snappy, not " + value);
        }
        return lower;
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    private static int positive(String option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
        return value;
    }

    /** {@return true for a closed loop, false for a fixed request rate} */
    boolean closedLoop() {
        return rate == 0;
    }
}
