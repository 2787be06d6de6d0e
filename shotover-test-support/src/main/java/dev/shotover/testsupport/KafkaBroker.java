package dev.shotover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Kafka KRaft brokers for tests: 1 or 3 forked broker JVMs (each a combined broker and controller) of the
 * Apache Kafka release {@value #DEFAULT_VERSION} from Maven Central, on fixed ports the test chooses.
 *
 * <p>Node {@code n} (1-based) listens on {@code 127.0.0.n}: its client listener on {@code 127.0.0.n:port} (the same
 * port on every node, which is what {@code KafkaSinkSingle} expects: one proxy per broker, on the broker's IP) and
 * its controller listener on {@code 127.0.0.n:controllerPort}. Loopback aliases need no setup on Linux.
 *
 * <pre>
 * static KafkaBroker kafka = KafkaBroker.builder().port(19092).controllerPort(19093).start();
 * ...
 * kafka.close();
 * </pre>
 *
 * <p><b>How it runs.</b> The broker class path is resolved once per machine ({@link KafkaClasspath}); every node
 * gets a fresh data directory, is formatted with {@code kafka.tools.StorageTool} and started as
 * {@code java -Xmx256m kafka.Kafka server.properties} with its output in {@code broker.log} of its directory. Start
 * returns when every node has logged {@code Kafka Server started} (about 3 s for one node and 8 s for three on two
 * cores); otherwise the nodes are killed and a {@link StartupException} carries the tail of each log. Tests never
 * skip on a missing broker. Starting takes a few seconds: share a broker per test class.
 *
 * <p><b>Threading.</b> {@link #close()} is thread-safe and idempotent; it kills the JVMs (no graceful shutdown:
 * the data is thrown away) and deletes the directories. A JVM shutdown hook kills brokers a test forgot to close.
 */
public final class KafkaBroker implements AutoCloseable {
    /** The Kafka release the brokers run unless {@value #VERSION_PROPERTY} says otherwise. */
    public static final String DEFAULT_VERSION = "4.3.1";
    /** System property choosing the broker release. */
    public static final String VERSION_PROPERTY = "shotover.kafka.version";
    /** The line a broker logs once it serves clients. */
    public static final String STARTED_LINE = "Kafka Server started";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Set<KafkaBroker> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(KafkaBroker::kill), "kafka-broker-cleanup"));
    }

    private final List<Node> nodes;
    private final int port;
    private final Path workDir;
    private boolean closed;

    /** One broker JVM. */
    private record Node(int id, String host, Path dir, Path log, Process process) {
    }

    private KafkaBroker(List<Node> nodes, int port, Path workDir) {
        this.nodes = List.copyOf(nodes);
        this.port = port;
        this.workDir = workDir;
    }

    /** Starts a single broker on {@code 127.0.0.1:port}, its controller on {@code port + 1}. */
    public static KafkaBroker start(int port) {
        return builder().port(port).controllerPort(port + 1).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The client port, the same on every node. */
    public int port() {
        return port;
    }

    /** The number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** The host of node {@code n} (1-based): {@code 127.0.0.n}. */
    public String host(int n) {
        return nodes.get(n - 1).host();
    }

    /** The client addresses of every node. */
    public List<InetSocketAddress> addresses() {
        return nodes.stream().map(node -> new InetSocketAddress(node.host(), port)).collect(Collectors.toList());
    }

    /** {@code bootstrap.servers} for clients that connect to the brokers directly. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> node.host() + ":" + port).collect(Collectors.joining(","));
    }

    /** The log file of node {@code n} (1-based): the broker's stdout and stderr. */
    public Path logFile(int n) {
        return nodes.get(n - 1).log();
    }

    /** The last {@code lines} lines of node {@code n}'s log, for assertion messages. */
    public String logTail(int n, int lines) {
        return tail(logFile(n), lines);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        kill();
        TestFiles.deleteRecursively(workDir);
    }

    private void kill() {
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
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker" + addresses();
    }

    /** Settings of the brokers to start. Not thread-safe. */
    public static final class Builder {
        private int nodeCount = 1;
        private int port = -1;
        private int controllerPort = -1;
        private int heapMb = 256;
        private Duration startTimeout = Duration.ofSeconds(90);
        private String version = System.getProperty(VERSION_PROPERTY, DEFAULT_VERSION);
        private final Map<String, String> properties = new LinkedHashMap<>();
        private String clientListener = "PLAINTEXT";

        private Builder() {
        }

        /** 1 (default) or 3 nodes, on 127.0.0.1 to 127.0.0.3. */
        public Builder nodes(int count) {
            if (count != 1 && count != 3) {
                throw new IllegalArgumentException("nodes must be 1 or 3, was " + count);
            }
            this.nodeCount = count;
            return this;
        }

        /** The client port of every node (required). */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The controller port of every node (required; distinct from {@link #port}). */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /**
         * The security protocol of the client listener, also used between brokers: {@code PLAINTEXT} (default) or
         * {@code SASL_PLAINTEXT}. The listener is named after the protocol, so its SASL settings are
         * {@code listener.name.sasl_plaintext.*} properties.
         */
        public Builder clientSecurityProtocol(String protocol) {
            if (!protocol.equals("PLAINTEXT") && !protocol.equals("SASL_PLAINTEXT")) {
                throw new IllegalArgumentException("PLAINTEXT or SASL_PLAINTEXT, was " + protocol);
            }
            this.clientListener = protocol;
            return this;
        }

        /**
         * Makes the client listener (also used between brokers) {@code SSL}, serving
         * {@link TestCertificates#serverCertificate()} (which names 127.0.0.1 to 127.0.0.3) and trusting the test CA.
         * The PEM goes inline into {@code server.properties} ({@code ssl.keystore.type=PEM}), since Kafka reads
         * unencrypted keys only that way.
         *
         * @param requireClientCertificate {@code ssl.client.auth=required}: clients must present a certificate
         *     signed by the test CA (brokers present the server certificate to each other, which allows it)
         */
        public Builder tls(TestCertificates certificates, boolean requireClientCertificate) {
            this.clientListener = "SSL";
            properties.put("ssl.keystore.type", "PEM");
            properties.put("ssl.keystore.certificate.chain", inlinePem(certificates.serverCertificatePem()));
            properties.put("ssl.keystore.key", inlinePem(certificates.serverKeyPem()));
            properties.put("ssl.truststore.type", "PEM");
            properties.put("ssl.truststore.certificates", inlinePem(certificates.caPem()));
            properties.put("ssl.client.auth", requireClientCertificate ? "required" : "none");
            return this;
        }

        /** PEM as one {@code server.properties} value: {@link java.util.Properties} turns {@code \n} back into lines. */
        private static String inlinePem(String pem) {
            return pem.strip().replace("\n", "\\n");
        }

        /** Adds or replaces a {@code server.properties} entry on every node (e.g. {@code num.partitions}). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder heapMb(int heapMb) {
            this.heapMb = heapMb;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The Kafka release (default {@value #DEFAULT_VERSION}, or the {@value #VERSION_PROPERTY} property). */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * Starts every node and waits until all serve clients.
         *
         * @throws StartupException with each node's log tail when a node could not be formatted or started
         */
        public KafkaBroker start() {
            if (port < 0 || controllerPort < 0 || port == controllerPort) {
                throw new IllegalArgumentException("set distinct port and controllerPort");
            }
            long begin = System.nanoTime();
            String classpath = KafkaClasspath.resolve(version);
            Path workDir = TestFiles.newTempDir("shotover-kafka-");
            String clusterId = randomClusterId();
            List<Path> configs = new ArrayList<>();
            for (int id = 1; id <= nodeCount; id++) {
                configs.add(writeConfig(workDir, id));
            }
            try {
                format(classpath, clusterId, configs);
            } catch (RuntimeException e) {
                TestFiles.deleteRecursively(workDir);
                throw e;
            }

            List<Node> nodes = new ArrayList<>();
            try {
                for (int id = 1; id <= nodeCount; id++) {
                    Path dir = configs.get(id - 1).getParent();
                    Path log = dir.resolve("broker.log");
                    Process process = new ProcessBuilder(java(classpath, "kafka.Kafka", configs.get(id - 1).toString()))
                            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                    nodes.add(new Node(id, "127.0.0." + id, dir, log, process));
                }
            } catch (IOException e) {
                nodes.forEach(node -> node.process().destroyForcibly());
                TestFiles.deleteRecursively(workDir);
                throw new StartupException("could not start a Kafka broker JVM: " + e.getMessage(), e);
            }
            KafkaBroker broker = new KafkaBroker(nodes, port, workDir);
            LIVE.add(broker);
            awaitStarted(broker, nodes);
            LOG.info("Kafka {} with {} node(s) on port {} started in {} ms", version, nodeCount, port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
            return broker;
        }

        private Path writeConfig(Path workDir, int id) {
            Path dir = workDir.resolve("node-" + id);
            String host = "127.0.0." + id;
            String voters = java.util.stream.IntStream.rangeClosed(1, nodeCount)
                    .mapToObj(n -> n + "@127.0.0." + n + ":" + controllerPort).collect(Collectors.joining(","));
            int replication = nodeCount;
            Map<String, String> config = new LinkedHashMap<>();
            config.put("process.roles", "broker,controller");
            config.put("node.id", String.valueOf(id));
            config.put("controller.quorum.voters", voters);
            config.put("listeners", clientListener + "://" + host + ":" + port + ",CONTROLLER://" + host + ":"
                    + controllerPort);
            config.put("advertised.listeners", clientListener + "://" + host + ":" + port);
            config.put("controller.listener.names", "CONTROLLER");
            config.put("inter.broker.listener.name", clientListener);
            config.put("listener.security.protocol.map", clientListener + ":" + clientListener + ",CONTROLLER:PLAINTEXT");
            config.put("log.dirs", dir.resolve("data").toString());
            config.put("num.partitions", "1");
            config.put("offsets.topic.replication.factor", String.valueOf(replication));
            config.put("offsets.topic.num.partitions", "3");
            config.put("transaction.state.log.replication.factor", String.valueOf(replication));
            config.put("transaction.state.log.min.isr", "1");
            config.put("transaction.state.log.num.partitions", "3");
            config.put("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
            config.put("share.coordinator.state.topic.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            config.put("num.network.threads", "2");
            config.put("num.io.threads", "2");
            config.put("log.segment.bytes", "16777216");
            config.put("auto.create.topics.enable", "true");
            config.putAll(properties);
            String text = config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n"));
            try {
                Files.createDirectories(dir);
                Path file = dir.resolve("server.properties");
                Files.writeString(file, text, StandardCharsets.UTF_8);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Formats every node's storage, in parallel: the format tool is a JVM start each. */
        private void format(String classpath, String clusterId, List<Path> configs) {
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (Path config : configs) {
                    Path output = config.getParent().resolve("format.log");
                    outputs.add(output);
                    processes.add(new ProcessBuilder(java(classpath, "kafka.tools.StorageTool", "format", "-t",
                            clusterId, "-c", config.toString())).redirectErrorStream(true)
                            .redirectOutput(output.toFile()).start());
                }
                for (int i = 0; i < processes.size(); i++) {
                    Process process = processes.get(i);
                    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                        process.destroyForcibly();
                        throw new StartupException("formatting the storage of Kafka node " + (i + 1) + " failed:\n"
                                + tail(outputs.get(i), 30));
                    }
                }
            } catch (IOException e) {
                throw new StartupException("could not run the Kafka storage tool: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while formatting Kafka storage");
            } finally {
                processes.forEach(Process::destroyForcibly);
            }
        }

        private void awaitStarted(KafkaBroker broker, List<Node> nodes) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            List<Node> waiting = new ArrayList<>(nodes);
            try {
                while (!waiting.isEmpty()) {
                    for (Node node : List.copyOf(waiting)) {
                        if (logContains(node.log(), STARTED_LINE)) {
                            waiting.remove(node);
                        } else if (!node.process().isAlive()) {
                            throw new StartupException("Kafka node " + node.id() + " exited with code "
                                    + node.process().exitValue() + " before it started:\n" + tail(node.log(), 40));
                        }
                    }
                    if (!waiting.isEmpty()) {
                        if (System.nanoTime() > deadline) {
                            StringBuilder logs = new StringBuilder();
                            for (Node node : waiting) {
                                logs.append("\n--- node ").append(node.id()).append(" (").append(node.log())
                                        .append(") ---\n").append(tail(node.log(), 40));
                            }
                            throw new StartupException("Kafka node(s) " + waiting.stream().map(n -> "" + n.id())
                                    .collect(Collectors.joining(", ")) + " did not log '" + STARTED_LINE + "' within "
                                    + startTimeout.toSeconds() + " s:" + logs);
                        }
                        Thread.sleep(100);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broker.close();
                throw new StartupException("interrupted while waiting for Kafka to start");
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        private List<String> java(String classpath, String mainClass, String... args) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-XX:+UseG1GC",
                    "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-cp", classpath, mainClass));
            command.addAll(List.of(args));
            return command;
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            return port;
        }
    }

    /** A Kafka cluster id: 16 random bytes in URL-safe base64, not starting with '-' (the tools reject that). */
    private static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code lines} lines of a file, or a note that it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
