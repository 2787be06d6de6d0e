package dev.shotover.testsupport;

import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.ShotoverProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy started in the test's JVM, for integration tests of a transform through a real backend: a topology
 * (YAML text, or a Valkey chain in front of a {@link RedisServer}) plus transforms registered in code, started on
 * free ports with {@link ShotoverProxy}.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start();
 *      ProxyTester proxy = ProxyTester.valkeyInFrontOf(redis, "ValkeyGetRewrite: {result: Rewritten value}");
 *      ValkeyTestClient client = proxy.valkeyClient()) {
 *     assertThat(client.callForString("GET", "foo")).isEqualTo("Rewritten value");
 * }
 * }</pre>
 *
 * <p>Transforms on the class path are found as in production ({@code ServiceLoader}); transforms registered here
 * are added, which is how a test uses a factory that is not (yet) listed in {@code META-INF/services}. The sink
 * {@code ValkeySinkSingle} comes from {@code shotover-transforms-builtin}, which must be on the test class path.
 *
 * <p>Combine with {@link LogCapture} to assert that nothing was logged at WARN or ERROR. {@link #close()} drains the
 * connections as the proxy does at shutdown (at most 5 s).
 *
 * <p><b>Threading.</b> Thread-safe (it delegates to {@link ShotoverProxy}).
 */
public final class ProxyTester implements AutoCloseable {

    /** The source name {@link #valkeyInFrontOf} uses. */
    public static final String VALKEY_SOURCE = "valkey";

    private final ShotoverProxy proxy;

    private ProxyTester(ShotoverProxy proxy) {
        this.proxy = proxy;
    }

    /**
     * Starts a proxy for {@code topologyYaml} (listen on port 0 to get a free port; {@link #address(String)} tells
     * which) with 2 event-loop threads.
     *
     * @throws dev.shotover.runtime.config.ConfigException or {@link dev.shotover.runtime.chain.TopologyException}
     *         with the proxy's own report when the topology is invalid
     */
    public static ProxyTester start(String topologyYaml, TransformFactory... extraTransforms) {
        return builder().topologyYaml(topologyYaml).registerTransform(extraTransforms).start();
    }

    /**
     * Starts a proxy with one Valkey source named {@value #VALKEY_SOURCE} on a free port of 127.0.0.1, whose chain is
     * {@code chainElements} followed by a {@code ValkeySinkSingle} to {@code redis}.
     *
     * @param chainElements one YAML chain element each, written as after the list dash, e.g.
     *                      {@code "ValkeyGetRewrite: {result: Rewritten value}"} or {@code "DebugPrinter"}; further
     *                      lines of a multi-line element are indented relative to its first line
     */
    public static ProxyTester valkeyInFrontOf(RedisServer redis, String... chainElements) {
        return builder().valkeyInFrontOf(redis.address(), chainElements).start();
    }

    /** A builder, for registering transforms and choosing threads. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The YAML of a topology with one Valkey source named {@value #VALKEY_SOURCE} listening on
     * {@code 127.0.0.1:0}, whose chain is {@code chainElements} followed by a {@code ValkeySinkSingle} to
     * {@code backend}.
     */
    public static String valkeyTopology(InetSocketAddress backend, String... chainElements) {
        StringBuilder yaml = new StringBuilder()
                .append("sources:\n")
                .append("  - Valkey:\n")
                .append("      name: \"").append(VALKEY_SOURCE).append("\"\n")
                .append("      listen_addr: \"127.0.0.1:0\"\n")
                .append("      chain:\n");
        for (String element : chainElements) {
            String[] lines = element.strip().split("\n", -1);
            yaml.append("        - ").append(lines[0]).append('\n');
            for (int i = 1; i < lines.length; i++) {
                yaml.append("          ").append(lines[i]).append('\n');
            }
        }
        yaml.append("        - ValkeySinkSingle:\n")
                .append("            remote_address: \"").append(backend.getHostString()).append(':')
                .append(backend.getPort()).append("\"\n")
                .append("            connect_timeout_ms: 3000\n");
        return yaml.toString();
    }

    /** The running proxy, for anything this class does not wrap. */
    public ShotoverProxy proxy() {
        return proxy;
    }

    /**
     * The address of the only source.
     *
     * @throws IllegalStateException when the topology has several sources; use {@link #address(String)}
     */
    public InetSocketAddress address() {
        Map<String, InetSocketAddress> addresses = proxy.addresses();
        if (addresses.size() != 1) {
            throw new IllegalStateException("the topology has " + addresses.size() + " sources " + addresses.keySet()
                    + "; name one with address(String)");
        }
        return addresses.values().iterator().next();
    }

    /** The bound address of source {@code sourceName} (the real port when the topology said port 0). */
    public InetSocketAddress address(String sourceName) {
        return proxy.address(sourceName);
    }

    /** A new client connected to the only source; close it (try-with-resources). */
    public ValkeyTestClient valkeyClient() {
        return ValkeyTestClient.connect(address());
    }

    /** A new client connected to source {@code sourceName}. */
    public ValkeyTestClient valkeyClient(String sourceName) {
        return ValkeyTestClient.connect(address(sourceName));
    }

    /** The proxy's metrics in Prometheus text format, as {@code GET /metrics} serves them. */
    public String metrics() {
        return proxy.metrics().scrape();
    }

    /** Stops the proxy, draining open connections (at most 5 s). Idempotent. */
    @Override
    public void close() {
        proxy.close();
    }

    @Override
    public String toString() {
        return "ProxyTester" + proxy.addresses();
    }

    /** Collects the topology and transforms, then {@link #start()}s. Not thread-safe. */
    public static final class Builder {
        private String topologyYaml;
        private final List<TransformFactory> transforms = new ArrayList<>();
        private int coreThreads = 2;
        private Duration drainTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** The topology as YAML text. */
        public Builder topologyYaml(String yaml) {
            this.topologyYaml = Objects.requireNonNull(yaml);
            return this;
        }

        /** The topology of {@link ProxyTester#valkeyTopology(InetSocketAddress, String...)}. */
        public Builder valkeyInFrontOf(InetSocketAddress backend, String... chainElements) {
            return topologyYaml(valkeyTopology(backend, chainElements));
        }

        /** Transforms to register in addition to those found on the class path. */
        public Builder registerTransform(TransformFactory... factories) {
            transforms.addAll(List.of(factories));
            return this;
        }

        /** Event-loop threads (default 2). */
        public Builder coreThreads(int threads) {
            this.coreThreads = threads;
            return this;
        }

        /** How long {@link ProxyTester#close()} waits for connections to drain (default 5 s). */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Builds, validates and starts the proxy. */
        public ProxyTester start() {
            if (topologyYaml == null) {
                throw new IllegalStateException("give a topology: topologyYaml(...) or valkeyInFrontOf(...)");
            }
            ShotoverProxy proxy = ShotoverProxy.builder()
                    .topologyYaml(topologyYaml)
                    .registerTransform(transforms.toArray(new TransformFactory[0]))
                    .coreThreads(coreThreads)
                    .drainTimeout(drainTimeout)
                    .start();
            return new ProxyTester(proxy);
        }
    }
}
