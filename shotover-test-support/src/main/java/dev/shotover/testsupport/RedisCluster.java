package dev.shotover.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A 6-node Redis cluster (3 primaries + 3 replicas) of {@code redis-server} child processes on free ports of
 * 127.0.0.1, created with {@code redis-cli --cluster create ... --cluster-replicas 1}.
 *
 * <p>{@link #start()} returns once every node reports {@code cluster_state:ok} and every replica
 * {@code master_link_status:up} (about 2 s with {@code --cluster-node-timeout 2000 --repl-diskless-sync-delay 0});
 * otherwise it stops all nodes and throws a {@link StartupException} carrying each node's log tail. Nodes run in
 * the foreground (never {@code --daemonize}) so that the JVM reaps them. The cluster bus uses its own free port per
 * node ({@code --cluster-port}), since port+10000 may be out of range.
 *
 * <p>Not thread-safe; use from one test thread. {@link #close()} kills every node and deletes the data directory.
 */
public final class RedisCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final int NODES = 6;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final int[] ports;
    private final int[] busPorts;
    private final Path dir;
    private final Process[] processes = new Process[NODES];
    /** The TLS ports, or null for a plain-text cluster. */
    private final int[] tlsPorts;
    private final TestCertificates certificates;

    private RedisCluster(int[] ports, int[] busPorts, Path dir) {
        this(ports, busPorts, dir, null, null);
    }

    private RedisCluster(int[] ports, int[] busPorts, Path dir, int[] tlsPorts, TestCertificates certificates) {
        this.ports = ports;
        this.busPorts = busPorts;
        this.dir = dir;
        this.tlsPorts = tlsPorts;
        this.certificates = certificates;
    }

    /** Starts the nodes, creates the cluster and waits for it to converge. */
    public static RedisCluster start() {
        return start(null);
    }

    /**
     * Like {@link #start()}, but every node also serves TLS on its {@link #tlsPorts() TLS port} with
     * {@link TestCertificates#serverCertificate()}, and the cluster bus and replication use TLS
     * ({@code --tls-cluster yes --tls-replication yes}), so the cluster reports TLS ports to TLS clients. Clients
     * need no certificate. The plain-text ports stay open for {@link #cliOn} and for setting the cluster up.
     */
    public static RedisCluster startTls(TestCertificates certificates) {
        return start(java.util.Objects.requireNonNull(certificates));
    }

    private static RedisCluster start(TestCertificates certificates) {
        if (RedisProcessBackend.findOnPath("redis-server").isEmpty()
                || RedisProcessBackend.findOnPath("redis-cli").isEmpty()) {
            throw new StartupException("redis-server and redis-cli must be on the PATH "
                    + "(apt-get install redis-server redis-tools)");
        }
        int[] all = FreePort.find(NODES * (certificates == null ? 2 : 3));
        int[] ports = java.util.Arrays.copyOfRange(all, 0, NODES);
        int[] busPorts = java.util.Arrays.copyOfRange(all, NODES, NODES * 2);
        int[] tlsPorts = certificates == null ? null : java.util.Arrays.copyOfRange(all, NODES * 2, NODES * 3);
        RedisCluster cluster = new RedisCluster(ports, busPorts, TestFiles.newTempDir("redis-cluster"), tlsPorts,
                certificates);
        try {
            cluster.startNodes();
            cluster.create();
            cluster.awaitConverged();
        } catch (RuntimeException e) {
            String logs = cluster.logTails();
            cluster.close();
            throw new StartupException(e.getMessage() + "\n" + logs, e);
        }
        return cluster;
    }

    private void startNodes() {
        for (int i = 0; i < NODES; i++) {
            Path nodeDir = dir.resolve(Integer.toString(ports[i]));
            try {
                java.nio.file.Files.createDirectories(nodeDir);
                List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(ports[i]),
                        "--bind", HOST, "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPorts[i]),
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                        "--repl-diskless-sync-delay", "0", "--save", "", "--appendonly", "no",
                        "--dir", nodeDir.toString()));
                if (tlsPorts != null) {
                    command.addAll(TlsRedisServer.tlsArguments(certificates, tlsPorts[i], false));
                    command.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
                }
                processes[i] = new ProcessBuilder(command)
                        .directory(nodeDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("redis.log").toFile())
                        .start();
                processes[i].getOutputStream().close();
            } catch (IOException e) {
                throw new StartupException("could not start redis-server on port " + ports[i] + ": "
                        + e.getMessage(), e);
            }
        }
        for (int i = 0; i < NODES; i++) {
            Process process = processes[i];
            RespPing.awaitReady("cluster node " + ports[i], HOST, ports[i], Duration.ofSeconds(10), process::isAlive,
                    this::logTails);
        }
    }

    private void create() {
        List<String> args = new ArrayList<>(List.of("--cluster", "create"));
        for (int port : ports) {
            args.add(HOST + ":" + port);
        }
        args.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String out = cli(Duration.ofSeconds(30), args.toArray(String[]::new));
        if (!out.contains("[OK] All 16384 slots covered")) {
            throw new StartupException("redis-cli --cluster create failed:\n" + out);
        }
    }

    private void awaitConverged() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            lastProblem = convergenceProblem();
            if (lastProblem == null) {
                return;
            }
            sleep(50);
        }
        throw new StartupException("cluster not ready after " + READY_TIMEOUT.toSeconds() + " s: " + lastProblem);
    }

    /** Null when every node is ok, every replica is linked and every node knows every replica, else what is not. */
    private String convergenceProblem() {
        for (int port : ports) {
            String info = cliOn(port, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok")) {
                return "node " + port + " is not cluster_state:ok";
            }
            String replication = cliOn(port, "INFO", "replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return "replica " + port + " has no master link";
            }
        }
        int replicas = 0;
        for (int port : ports) {
            if (cliOn(port, "INFO", "replication").contains("role:slave")) {
                replicas++;
            }
        }
        if (replicas != NODES / 2) {
            return "only " + replicas + " replicas yet";
        }
        // a replica can be linked before the others have heard of it: until then their CLUSTER SLOTS and NODES
        // leave it out, and a client reading the topology there sees fewer nodes than there are
        for (int port : ports) {
            long known = cliOn(port, "CLUSTER", "NODES").lines()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields.length > 2 && fields[2].contains("slave"))
                    .count();
            if (known != NODES / 2) {
                return "node " + port + " knows " + known + " replicas";
            }
        }
        return null;
    }

    /** The ports of all six nodes. */
    public int[] ports() {
        return ports.clone();
    }

    /** Kills the node listening on {@code port} (SIGTERM, waiting for it to exit), e.g. to provoke a failover. */
    public void stopNode(int port) {
        for (int i = 0; i < NODES; i++) {
            if (ports[i] == port && processes[i] != null) {
                RedisProcessBackend.terminate(processes[i], Duration.ofSeconds(5));
                processes[i] = null;
                return;
            }
        }
        throw new IllegalArgumentException("no running node on port " + port);
    }

    /** The ports of the running nodes whose {@code ROLE} is {@code master}. */
    public List<Integer> primaryPorts() {
        List<Integer> primaries = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            if (processes[i] != null && cliOn(ports[i], "ROLE").startsWith("master")) {
                primaries.add(ports[i]);
            }
        }
        return primaries;
    }

    /** The TLS ports of all six nodes, in the order of {@link #ports()}; empty unless started with {@link #startTls}. */
    public int[] tlsPorts() {
        return tlsPorts == null ? new int[0] : tlsPorts.clone();
    }

    /** {@code "127.0.0.1:tlsPort"} of every node, for {@code first_contact_points} of a TLS sink. */
    public List<String> tlsContactPoints() {
        List<String> points = new ArrayList<>();
        for (int port : tlsPorts()) {
            points.add(HOST + ":" + port);
        }
        return points;
    }

    /** {@code "127.0.0.1:port"} of every node, for {@code first_contact_points}. */
    public List<String> contactPoints() {
        List<String> points = new ArrayList<>();
        for (int port : ports) {
            points.add(HOST + ":" + port);
        }
        return points;
    }

    /** Runs {@code redis-cli -h 127.0.0.1 -p port args...} and returns its output (stdout and stderr). */
    public String cliOn(int port, String... args) {
        List<String> all = new ArrayList<>(List.of("-h", HOST, "-p", Integer.toString(port)));
        all.addAll(List.of(args));
        return cli(Duration.ofSeconds(30), all.toArray(String[]::new));
    }

    /** Runs {@code redis-cli args...} and returns its output; fails if it does not end within {@code timeout}. */
    public static String cli(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("redis-cli");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StartupException("timed out: " + String.join(" ", command));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** The last lines of every node's log. */
    public String logTails() {
        StringBuilder tails = new StringBuilder();
        for (int i = 0; i < NODES; i++) {
            Process p = processes[i];
            tails.append("node ").append(ports[i])
                    .append(p == null ? " (not started)" : p.isAlive() ? "" : " (exited " + p.exitValue() + ")")
                    .append(" log tail:\n")
                    .append(RedisProcessBackend.logTail(
                            dir.resolve(Integer.toString(ports[i])).resolve("redis.log"), 15));
        }
        return tails.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for the cluster", e);
        }
    }

    /** Kills every node (waiting for each to exit) and deletes the data directory. */
    @Override
    public void close() {
        for (int i = 0; i < NODES; i++) {
            if (processes[i] != null) {
                RedisProcessBackend.terminate(processes[i], Duration.ofSeconds(5));
                processes[i] = null;
            }
        }
        TestFiles.deleteRecursively(dir);
    }
}
