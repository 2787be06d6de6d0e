package dev.shotover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra {@value #VERSION} cluster for tests: 1 to 3 forked server JVMs from Maven Central jars.
 *
 * <p>Node {@code n} (1-based) listens on {@code 127.0.0.n} (loopback aliases need no setup on Linux): CQL on
 * {@value #NATIVE_PORT}, gossip/storage on {@value #STORAGE_PORT}, the same ports on every node, as in a real
 * deployment. Each node owns exactly one token ({@code num_tokens: 1} and an evenly spaced {@code initial_token}),
 * so nodes started together never pick the same tokens and ownership is predictable. The data centre is
 * {@code datacenter1} (SimpleSnitch), authentication is off.
 *
 * <pre>
 * CassandraCluster cassandra = CassandraCluster.shared();   // 3 nodes, started once per JVM, never closed by tests
 * CassandraCluster single = CassandraCluster.start(1);      // a private 1-node cluster: close it
 * </pre>
 *
 * <p><b>One cluster at a time.</b> The ports are fixed, so a JVM runs at most one cluster: {@link #start} fails
 * while another cluster of this JVM is running (the shared one included). Across JVMs (two people running ITs on
 * one machine) a file lock in {@code $TMPDIR/shotover-cassandra-<version>/} makes a second JVM wait until the first
 * one's cluster is gone (at most 600 s, or system property {@value #LOCK_WAIT_PROPERTY}). Server JVMs left over by
 * a test JVM that was killed are recognised by their recorded process id and command line, and killed.
 *
 * <p><b>How a node runs.</b> The server class path is resolved once per machine ({@link CassandraClasspath}). Each
 * node gets its own directory under a fresh temporary directory ({@code conf/cassandra.yaml},
 * {@code conf/logback.xml}, data, commit log, {@code logs/system.log}, and {@code logs/stdout.log} for what the JVM
 * itself prints) and runs as a Java 17 JVM with a 256 MB heap and no JMX. Cassandra 5.0 does not run on Java 24+:
 * the JVM is the test JVM's own java when that is older, else the one named by {@value #JAVA_PROPERTY},
 * {@code $JAVA17_HOME} or found under {@code /usr/lib/jvm}. A node is ready once it logged {@value #READY_LINE} and
 * its CQL port accepts connections; a multi-node cluster additionally waits until every node lists every other node
 * with its token in {@code system.peers_v2} (what drivers build their ring from). Node 1 (the seed) starts first,
 * the others then together.
 *
 * <p><b>Cost.</b> Start-up is CPU-bound: about 12 CPU seconds per node with the full JIT and 7 with the C1-only JIT
 * the shared cluster uses. On two idle cores that is about 7 s for one node and 12-20 s for three; while other
 * builds load the machine, two to four times that. RSS is 600-700 MB per node. If a node does not get ready in time
 * (300 s per phase, or system property {@value #START_TIMEOUT_PROPERTY}) or exits, every node is killed and a
 * {@link StartupException} carries the tail of each node's log. Tests never skip on a missing Cassandra.
 *
 * <p><b>Stopping.</b> {@link #close()} kills the JVMs with SIGKILL (the data is thrown away, so a graceful drain of
 * 7-14 s buys nothing) and deletes the directories. A JVM shutdown hook does the same for clusters a test did not
 * close, and is how the {@link #shared()} cluster stops.
 *
 * <p><b>Threading.</b> All methods are thread-safe; {@link #close()} is idempotent.
 */
public final class CassandraCluster implements AutoCloseable {
    /** The Cassandra release the nodes run. */
    public static final String VERSION = "5.0.9";
    /** The CQL (native protocol) port of every node. */
    public static final int NATIVE_PORT = 19042;
    /** The gossip/storage port of every node; clear of the Redis cluster ports 17000-17005 other ITs use. */
    public static final int STORAGE_PORT = 17700;
    /** The number of nodes of the {@link #shared()} cluster. */
    public static final int SHARED_NODES = 3;
    /** The data centre every node reports (SimpleSnitch): what a driver's local-DC setting must name. */
    public static final String DATACENTER = "datacenter1";
    /** The line a node logs once it serves CQL clients. */
    public static final String READY_LINE = "Startup complete";

    /** System property: seconds to wait for one start phase (node 1, then the others). */
    public static final String START_TIMEOUT_PROPERTY = "shotover.cassandra.startTimeoutSeconds";
    /** System property: seconds to wait for another JVM's cluster to stop. */
    public static final String LOCK_WAIT_PROPERTY = "shotover.cassandra.lockWaitSeconds";
    /** System property: the {@code java} executable (a Java 17 one) that runs the nodes. */
    public static final String JAVA_PROPERTY = "shotover.cassandra.java";
    /** System property: extra JVM options for every node, separated by spaces (e.g. a larger heap for a benchmark). */
    public static final String JVM_ARGS_PROPERTY = "shotover.cassandra.jvmArgs";

    private static final Logger LOG = LoggerFactory.getLogger(CassandraCluster.class);
    private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    private static final String WORK_DIR_PREFIX = "shotover-cassandra-data-";
    /**
     * First JVM option of every node, naming its cluster's directory: how a leftover node is recognised. It comes
     * first because the JDK shows only the first 4 KB of a command line, and the class path is longer than that.
     */
    private static final String MARKER_PROPERTY = "-Dshotover.cassandra.cluster=";
    private static final int HEAP_MB = 256;
    private static final int LOG_TAIL_LINES = 40;

    /** Guards {@link #running} and {@link #shared}. */
    private static final Object LOCK = new Object();
    /** The cluster of this JVM that holds the ports, or null. */
    private static CassandraCluster running;
    private static CassandraCluster shared;
    /** Why the shared cluster could not start: later callers fail at once instead of waiting again. */
    private static StartupException sharedFailure;

    /** Every server JVM of this JVM and the directory it writes to; what the shutdown hook cleans up without locks. */
    private static final Map<Process, Path> LIVE = new ConcurrentHashMap<>();

    static {
        // Lock-free on purpose: it may run while a start holds LOCK (a test JVM stopped during the 20 s start).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Set<Path> dirs = new HashSet<>(LIVE.values());
            LIVE.keySet().forEach(Process::destroyForcibly);
            for (Process process : LIVE.keySet()) {
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            for (Path dir : dirs) {
                try {
                    TestFiles.deleteRecursively(dir);
                } catch (RuntimeException ignored) {
                    // best effort at exit; the next start deletes it (it is recorded in nodes.txt)
                }
            }
        }, "cassandra-cluster-cleanup"));
    }

    private final List<Node> nodes;
    private final Path workDir;
    private final PortLock portLock;
    private boolean closed;

    /** One server JVM. */
    private record Node(int id, String host, Path dir, Process process) {
        Path systemLog() {
            return dir.resolve("logs").resolve("system.log");
        }

        Path stdoutLog() {
            return dir.resolve("logs").resolve("stdout.log");
        }
    }

    private CassandraCluster(List<Node> nodes, Path workDir, PortLock portLock) {
        this.nodes = List.copyOf(nodes);
        this.workDir = workDir;
        this.portLock = portLock;
    }

    /**
     * The suite-wide 3-node cluster, started on first use and stopped when the JVM exits. Every Cassandra test of a
     * JVM shares it (start-up is the dominant cost), so tests must not close it and should use their own keyspace.
     * Its nodes run with the C1-only JIT, which starts them about a third faster and is slower in the steady state:
     * fine for functional tests; benchmarks use {@link #start}.
     *
     * @throws StartupException if it could not start (again on every later call, without a second attempt)
     * @throws IllegalStateException if a private cluster of this JVM holds the ports
     */
    public static CassandraCluster shared() {
        synchronized (LOCK) {
            if (shared != null && !shared.isClosed()) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new StartupException("the shared Cassandra cluster failed to start earlier in this JVM: "
                        + sharedFailure.getMessage(), sharedFailure);
            }
            try {
                shared = launch(SHARED_NODES, true);
                return shared;
            } catch (StartupException e) {
                sharedFailure = e;
                throw e;
            }
        }
    }

    /**
     * Starts a private cluster of {@code nodeCount} (1 to 3) nodes, with the full JIT, and waits until it serves
     * CQL. The caller closes it. Use {@link #shared()} unless the test needs its own topology (benchmarks use one
     * node).
     *
     * @throws StartupException with each node's log tail if a node could not start
     * @throws IllegalStateException if another cluster of this JVM (the shared one included) is running
     */
    public static CassandraCluster start(int nodeCount) {
        synchronized (LOCK) {
            return launch(nodeCount, false);
        }
    }

    /** Where the class path is cached and the cross-JVM lock lives: {@code $TMPDIR/shotover-cassandra-<version>}. */
    static Path cacheDir(String version) {
        return Path.of(System.getProperty("java.io.tmpdir"), "shotover-cassandra-" + version);
    }

    /** The number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** The CQL port, the same on every node: {@value #NATIVE_PORT}. */
    public int nativePort() {
        return NATIVE_PORT;
    }

    /** The host of node {@code n} (1-based): {@code 127.0.0.n}. */
    public String host(int n) {
        return node(n).host();
    }

    /** The CQL address of every node, node 1 first: the contact points of a driver that connects directly. */
    public List<InetSocketAddress> contactPoints() {
        return nodes.stream().map(node -> new InetSocketAddress(node.host(), NATIVE_PORT))
                .collect(Collectors.toUnmodifiableList());
    }

    /** The CQL address of node {@code n} (1-based). */
    public InetSocketAddress contactPoint(int n) {
        return new InetSocketAddress(node(n).host(), NATIVE_PORT);
    }

    /** The token node {@code n} (1-based) owns. */
    public long token(int n) {
        node(n);
        return initialToken(n, nodes.size());
    }

    /** Cassandra's own log of node {@code n} (1-based). */
    public Path logFile(int n) {
        return node(n).systemLog();
    }

    /** The last lines of node {@code n}'s log (and of its JVM output if the log is empty), for assertion messages. */
    public String logTail(int n) {
        return describeLogs(node(n));
    }

    /** The operating-system process id of node {@code n} (1-based). */
    public long pid(int n) {
        return node(n).process().pid();
    }

    /** The resident memory of node {@code n} in bytes, from {@code /proc} (Linux), or -1 if unknown. */
    public long residentBytes(int n) {
        Path status = Path.of("/proc", String.valueOf(pid(n)), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Whether {@link #close()} ran (or the cluster was stopped at JVM exit). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Kills every node, deletes the data and releases the ports. The {@link #shared()} cluster is left to the JVM. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            killAll(nodes);
            try {
                TestFiles.deleteRecursively(workDir);
            } catch (UncheckedIOException e) {
                LOG.warn("could not delete {}: {}", workDir, e.getMessage());
            }
            portLock.release(null);
        }
        synchronized (LOCK) {
            if (running == this) {
                running = null;
            }
        }
    }

    @Override
    public String toString() {
        return "CassandraCluster" + contactPoints();
    }

    private Node node(int n) {
        if (n < 1 || n > nodes.size()) {
            throw new IllegalArgumentException("node must be 1.." + nodes.size() + ", was " + n);
        }
        return nodes.get(n - 1);
    }

    // ---------------------------------------------------------------------------------------------- starting

    /**
     * Starts a cluster; the caller holds {@link #LOCK}. {@code quickStart}: C1-only JIT, for clusters that serve
     * functional tests.
     */
    private static CassandraCluster launch(int nodeCount, boolean quickStart) {
        if (nodeCount < 1 || nodeCount > 3) {
            throw new IllegalArgumentException("nodeCount must be 1..3, was " + nodeCount);
        }
        if (running != null && !running.isClosed()) {
            throw new IllegalStateException("a Cassandra cluster already holds ports " + NATIVE_PORT + "/"
                    + STORAGE_PORT + " in this JVM (" + running + (running == shared ? ", the shared one" : "")
                    + "): close it first, or use CassandraCluster.shared()");
        }
        long begin = System.nanoTime();
        String classpath = CassandraClasspath.resolve(VERSION);
        String java = javaExecutable();
        List<String> jvm = new ArrayList<>();
        jvm.add(java);
        jvm.addAll(CassandraNodeConfig.jvmOptions(HEAP_MB, quickStart));
        String extra = System.getProperty(JVM_ARGS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            // after the defaults, so that e.g. -Xmx1g overrides the default heap
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        Duration phaseTimeout = Duration.ofSeconds(Long.getLong(START_TIMEOUT_PROPERTY, 300));
        PortLock portLock = PortLock.acquire(cacheDir(VERSION),
                Duration.ofSeconds(Long.getLong(LOCK_WAIT_PROPERTY, 600)));
        Path workDir;
        try {
            portLock.killOrphans();
            checkPortsFree(nodeCount);
            workDir = TestFiles.newTempDir(WORK_DIR_PREFIX);
        } catch (RuntimeException e) {
            portLock.release(null);
            throw e;
        }

        List<Node> nodes = new ArrayList<>();
        try {
            nodes.add(startNode(1, nodeCount, workDir, classpath, jvm));
            portLock.recordNodes(nodes, workDir);
            awaitReady(nodes, phaseTimeout);
            LOG.info("Cassandra node 1 ready after {} ms", elapsedMillis(begin));
            if (nodeCount > 1) {
                // The others join through node 1 (the seed), together: on two cores starting them one after the
                // other would cost a full node start each.
                List<Node> joining = new ArrayList<>();
                for (int id = 2; id <= nodeCount; id++) {
                    Node node = startNode(id, nodeCount, workDir, classpath, jvm);
                    joining.add(node);
                    nodes.add(node);
                }
                portLock.recordNodes(nodes, workDir);
                awaitReady(joining, phaseTimeout);
                LOG.info("Cassandra nodes 2-{} ready after {} ms", nodeCount, elapsedMillis(begin));
                awaitCompleteRing(nodes, phaseTimeout);
            }
        } catch (IOException e) {
            abort(nodes, workDir, portLock);
            throw new StartupException("could not start a Cassandra JVM (" + java + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abort(nodes, workDir, portLock);
            throw e;
        }
        CassandraCluster cluster = new CassandraCluster(nodes, workDir, portLock);
        running = cluster;
        long millis = elapsedMillis(begin);
        LOG.info("Cassandra {} with {} node(s) on {} started in {} ms; RSS {}", VERSION, nodeCount,
                cluster.contactPoints(), millis, IntStream.rangeClosed(1, nodeCount)
                        .mapToObj(n -> (cluster.residentBytes(n) >> 20) + " MB").collect(Collectors.joining(", ")));
        return cluster;
    }

    private static long elapsedMillis(long beginNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beginNanos);
    }

    private static void abort(List<Node> nodes, Path workDir, PortLock portLock) {
        killAll(nodes);
        // Keep the logs of a failed start for a human to read; the next start deletes them.
        portLock.release(workDir);
        LOG.warn("Cassandra start failed; node directories kept in {} until the next start", workDir);
    }

    /** Starts node {@code id}; {@code jvm} is the java executable and the options every node shares. */
    private static Node startNode(int id, int nodeCount, Path workDir, String classpath, List<String> jvm)
            throws IOException {
        Path dir = workDir.resolve("node-" + id);
        Path conf = dir.resolve("conf");
        Path logs = dir.resolve("logs");
        Files.createDirectories(conf);
        Files.createDirectories(logs);
        Path yaml = conf.resolve("cassandra.yaml");
        Path logback = conf.resolve("logback.xml");
        Files.writeString(yaml, CassandraNodeConfig.yaml(id, nodeCount, dir), StandardCharsets.UTF_8);
        Files.writeString(logback, CassandraNodeConfig.logback(logs), StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>(jvm);
        command.add(1, MARKER_PROPERTY + workDir);
        command.add("-Dcassandra.config=" + yaml.toUri());
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-Dcassandra.logdir=" + logs);
        command.add("-Dcassandra.storagedir=" + dir);
        command.add("-cp");
        command.add(classpath);
        command.add(MAIN_CLASS);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve("stdout.log").toFile()).start();
        LIVE.put(process, workDir);
        return new Node(id, "127.0.0." + id, dir, process);
    }

    /** Waits until each node logged {@link #READY_LINE} and accepts CQL connections. */
    private static void awaitReady(List<Node> waitingFor, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Node> waiting = new ArrayList<>(waitingFor);
        while (!waiting.isEmpty()) {
            for (Node node : List.copyOf(waiting)) {
                if (!node.process().isAlive()) {
                    throw new StartupException("Cassandra node " + node.id() + " (" + node.host()
                            + ") exited with code " + node.process().exitValue() + " before it was ready:\n"
                            + describeLogs(node));
                }
                if (logContains(node.systemLog(), READY_LINE) && acceptsConnections(node.host(), NATIVE_PORT)) {
                    waiting.remove(node);
                }
            }
            if (!waiting.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new StartupException("Cassandra node(s) " + ids(waiting) + " did not log '" + READY_LINE
                            + "' and open port " + NATIVE_PORT + " within " + timeout.toSeconds()
                            + " s (override with -D" + START_TIMEOUT_PROPERTY + "):" + describeLogs(waiting));
                }
                sleep(100);
            }
        }
    }

    /**
     * Waits until every node lists every other node, with its tokens, in {@code system.peers_v2}. A node opens its
     * CQL port before it has heard of a node that joined at the same time, and under load a joining node can be
     * dropped from gossip and come back; a driver connecting then would see a partial ring.
     */
    private static void awaitCompleteRing(List<Node> nodes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> missing = new ArrayList<>();
            for (Node node : nodes) {
                if (!node.process().isAlive()) {
                    throw new StartupException("Cassandra node " + node.id() + " exited with code "
                            + node.process().exitValue() + " while the cluster formed:\n" + describeLogs(node));
                }
                Set<String> expected = nodes.stream().filter(other -> other != node).map(Node::host)
                        .collect(Collectors.toCollection(TreeSet::new));
                try {
                    Set<String> peers = CassandraTopologyProbe.completePeers(node.host(), NATIVE_PORT, 2000);
                    if (!peers.equals(expected)) {
                        missing.add("node " + node.id() + " lists " + peers + " of " + expected);
                    }
                } catch (IOException | RuntimeException e) {
                    missing.add("node " + node.id() + ": " + e);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StartupException("the Cassandra nodes did not all list each other with tokens in "
                        + "system.peers_v2 within " + timeout.toSeconds() + " s (" + String.join("; ", missing)
                        + "):" + describeLogs(nodes));
            }
            sleep(250);
        }
    }

    /** Fails early, with a clear message, when something that is not a Cassandra of ours holds a port. */
    private static void checkPortsFree(int nodeCount) {
        for (int id = 1; id <= nodeCount; id++) {
            String host = "127.0.0." + id;
            for (int port : new int[] {NATIVE_PORT, STORAGE_PORT}) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
                } catch (IOException e) {
                    throw new StartupException(host + ":" + port + " is in use by another process (" + e.getMessage()
                            + "); Cassandra needs ports " + NATIVE_PORT + " and " + STORAGE_PORT + " on "
                            + (nodeCount == 1 ? "127.0.0.1" : "127.0.0.1-" + nodeCount)
                            + ". Check with: ss -ltnp | grep -E '" + NATIVE_PORT + "|" + STORAGE_PORT + "'");
                }
            }
        }
    }

    static long initialToken(int id, int nodeCount) {
        BigInteger range = BigInteger.ONE.shiftLeft(64);
        return BigInteger.valueOf(Long.MIN_VALUE)
                .add(range.multiply(BigInteger.valueOf(id - 1)).divide(BigInteger.valueOf(nodeCount)))
                .longValueExact();
    }

    /**
     * The {@code java} that runs the nodes: Cassandra 5.0 installs a SecurityManager, which Java 24+ refuses, and
     * it is only supported on 11 and 17.
     */
    private static String javaExecutable() {
        String given = System.getProperty(JAVA_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        if (Runtime.version().feature() <= 23) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        List<Path> candidates = new ArrayList<>();
        String java17Home = System.getenv("JAVA17_HOME");
        if (java17Home != null) {
            candidates.add(Path.of(java17Home, "bin", "java"));
        }
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            dirs.filter(dir -> dir.getFileName().toString().contains("17")).sorted()
                    .forEach(dir -> candidates.add(dir.resolve("bin").resolve("java")));
        } catch (IOException e) {
            // no system JDK directory: only the property or JAVA17_HOME can help
        }
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        return found.map(Path::toString).orElseThrow(() -> new StartupException("Cassandra " + VERSION
                + " needs Java 17 but the tests run on Java " + Runtime.version().feature()
                + ": set -D" + JAVA_PROPERTY + "=/path/to/jdk17/bin/java or JAVA17_HOME"));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void killAll(List<Node> nodes) {
        for (Node node : nodes) {
            node.process().destroyForcibly();
        }
        for (Node node : nodes) {
            try {
                node.process().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LIVE.remove(node.process());
        }
    }

    private static boolean acceptsConnections(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean logContains(Path log, String text) {
        return readLog(log).contains(text);
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(node -> String.valueOf(node.id())).collect(Collectors.joining(", "));
    }

    private static String describeLogs(List<Node> nodes) {
        StringBuilder text = new StringBuilder();
        for (Node node : nodes) {
            text.append("\n--- node ").append(node.id()).append(" (").append(node.host()).append(") ---\n")
                    .append(describeLogs(node));
        }
        return text.toString();
    }

    /** The tail of the node's log; its JVM output too when that has something (a bad flag, a crash before logging). */
    private static String describeLogs(Node node) {
        StringBuilder text = new StringBuilder();
        String stdout = readLog(node.stdoutLog()).strip();
        if (!stdout.isEmpty()) {
            text.append("[").append(node.stdoutLog()).append("]\n").append(tail(node.stdoutLog(), 15)).append('\n');
        }
        text.append("[").append(node.systemLog()).append("]\n").append(tail(node.systemLog(), LOG_TAIL_LINES));
        return text.toString();
    }

    /** The last {@code lines} lines of a file, or a note that it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for Cassandra to start");
        }
    }

    // ---------------------------------------------------------------------------------------------- cross-JVM lock

    /**
     * The machine-wide right to the fixed ports: an exclusive lock on {@code cluster.lock} in the cache directory,
     * held while a cluster runs (the operating system drops it if the JVM dies), plus {@code nodes.txt} naming the
     * server processes and data directory of the holder, so the next holder can clean up after a killed JVM.
     */
    private static final class PortLock {
        private final Path dir;
        private final FileChannel channel;
        private final FileLock lock;

        private PortLock(Path dir, FileChannel channel, FileLock lock) {
            this.dir = dir;
            this.channel = channel;
            this.lock = lock;
        }

        static PortLock acquire(Path dir, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            boolean logged = false;
            try {
                Files.createDirectories(dir);
                FileChannel channel = FileChannel.open(dir.resolve("cluster.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                while (true) {
                    FileLock lock = channel.tryLock();
                    if (lock != null) {
                        return new PortLock(dir, channel, lock);
                    }
                    if (System.nanoTime() > deadline) {
                        channel.close();
                        throw new StartupException("another JVM has been running a Cassandra cluster on ports "
                                + NATIVE_PORT + "/" + STORAGE_PORT + " for more than " + wait.toSeconds()
                                + " s (lock " + dir.resolve("cluster.lock") + "; override the wait with -D"
                                + LOCK_WAIT_PROPERTY + ")");
                    }
                    if (!logged) {
                        LOG.info("another JVM runs a Cassandra cluster (lock {}); waiting for it to stop",
                                dir.resolve("cluster.lock"));
                        logged = true;
                    }
                    Thread.sleep(500);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not lock " + dir.resolve("cluster.lock"), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while waiting for another JVM's Cassandra cluster to stop");
            }
        }

        /**
         * Kills the server JVMs a previous holder recorded if they still run (its JVM was killed before its shutdown
         * hook ran), and deletes its directory. A recorded pid is only killed if its command line still names that
         * directory, since process ids are reused.
         */
        void killOrphans() {
            Path record = dir.resolve("nodes.txt");
            List<String> lines;
            try {
                lines = Files.exists(record) ? Files.readAllLines(record, StandardCharsets.UTF_8) : List.of();
            } catch (IOException e) {
                return;
            }
            Path workDir = null;
            List<Long> pids = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("dir ")) {
                    workDir = Path.of(line.substring(4).trim());
                } else if (line.startsWith("pid ")) {
                    pids.add(Long.parseLong(line.substring(4).trim()));
                }
            }
            if (workDir == null || !workDir.getFileName().toString().startsWith(WORK_DIR_PREFIX)) {
                return;
            }
            String marker = MARKER_PROPERTY + workDir;
            for (long pid : pids) {
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().orElse("").contains(marker)).ifPresent(p -> {
                            LOG.warn("killing Cassandra node JVM {} left over by a test JVM that did not stop it",
                                    pid);
                            p.destroyForcibly();
                            p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
                        });
            }
            try {
                TestFiles.deleteRecursively(workDir);
            } catch (UncheckedIOException e) {
                LOG.warn("could not delete the leftover {}: {}", workDir, e.getMessage());
            }
            writeRecord(List.of());
        }

        void recordNodes(List<Node> nodes, Path workDir) {
            List<String> lines = new ArrayList<>();
            lines.add("dir " + workDir);
            nodes.forEach(node -> lines.add("pid " + node.process().pid()));
            writeRecord(lines);
        }

        private void writeRecord(List<String> lines) {
            try {
                Files.write(dir.resolve("nodes.txt"), lines, StandardCharsets.UTF_8);
            } catch (IOException e) {
                LOG.warn("could not record the Cassandra node processes in {}: {}", dir, e.getMessage());
            }
        }

        /** Releases the ports; {@code leftoverDir}, if not null, is recorded for the next holder to delete. */
        void release(Path leftoverDir) {
            writeRecord(leftoverDir == null ? List.of() : List.of("dir " + leftoverDir));
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                LOG.warn("could not release {}: {}", dir.resolve("cluster.lock"), e.getMessage());
            }
        }
    }
}
