package dev.shotover.runtime;

import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.chain.TopologyBuilder;
import dev.shotover.runtime.chain.TopologyBuilder.BuiltSource;
import dev.shotover.runtime.config.ConfigLoader;
import dev.shotover.runtime.config.ProxySettings;
import dev.shotover.runtime.config.TopologyConfig;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.net.Transport;
import dev.shotover.runtime.observability.ObservabilityServer;
import dev.shotover.runtime.observability.ProxyMetrics;
import dev.shotover.runtime.source.SourceServer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the embedding API, also used by the CLI.
 *
 * <pre>{@code
 * try (ShotoverProxy proxy = ShotoverProxy.builder()
 *         .topologyYaml("""
 *             sources:
 *               - Valkey:
 *                   name: valkey
 *                   listen_addr: 127.0.0.1:0
 *                   chain:
 *                     - ValkeySinkSingle:
 *                         remote_address: 127.0.0.1:6379
 *             """)
 *         .start()) {
 *     InetSocketAddress address = proxy.address("valkey");
 *     ...
 * }
 * }</pre>
 *
 * <p>Every proxy owns its event loops, metrics and listeners; several may run in one JVM. {@link #close()} stops
 * accepting, lets each connection finish its in-flight requests and flush its chain, then shuts down. Thread-safe.
 */
public final class ShotoverProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShotoverProxy.class);
    /** The line tests and operators wait for; Shotover documents it as external API. */
    public static final String ACCEPTING_LOG_LINE = "Shotover is now accepting inbound connections";

    private final List<BuiltSource> topology;
    private final ProxySettings settings;
    private final ProxyMetrics metrics;
    private final int coreThreads;
    private final Duration drainTimeout;
    private final Map<String, SourceServer> sources = new LinkedHashMap<>();
    private Transport transport;
    private EventLoopGroup group;
    private ObservabilityServer observability;
    private boolean started;
    private boolean closed;

    private ShotoverProxy(List<BuiltSource> topology, ProxySettings settings, ProxyMetrics metrics, int coreThreads,
                          Duration drainTimeout) {
        this.topology = topology;
        this.settings = settings;
        this.metrics = metrics;
        this.coreThreads = coreThreads;
        this.drainTimeout = drainTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds every source and the observability interface. Logs {@value #ACCEPTING_LOG_LINE} once all listeners are
     * bound. If any bind fails, whatever was started is stopped again and the exception names the address.
     */
    public synchronized ShotoverProxy start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        transport = Transport.best();
        group = transport.newEventLoopGroup(coreThreads, new DefaultThreadFactory("shotover-worker", true));
        try {
            if (settings.observabilityInterface() != null) {
                InetSocketAddress address = HostAndPort.parse(settings.observabilityInterface()).resolve();
                try {
                    observability = ObservabilityServer.start(address, metrics);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("Failed to bind the observability interface to address="
                            + settings.observabilityInterface() + ": " + e.getMessage(), e);
                }
            }
            for (BuiltSource built : topology) {
                SourceServer server = new SourceServer(built, group, transport, metrics);
                InetSocketAddress address = server.bind();
                sources.put(server.name(), server);
                log.info("source {} listening on {}", server.name(), address);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info(ACCEPTING_LOG_LINE);
        return this;
    }

    /** The address source {@code sourceName} is bound to (with the real port when port 0 was configured). */
    public synchronized InetSocketAddress address(String sourceName) {
        SourceServer server = sources.get(sourceName);
        if (server == null) {
            throw new IllegalArgumentException("no started source named \"" + sourceName + "\"; sources: "
                    + sources.keySet());
        }
        return server.boundAddress();
    }

    /** Every source's bound address, by source name, in topology order. */
    public synchronized Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> result = new LinkedHashMap<>();
        sources.forEach((name, server) -> result.put(name, server.boundAddress()));
        return Collections.unmodifiableMap(result);
    }

    /** Where {@code /metrics} and {@code /filter} are served, or null when no observability_interface is set. */
    public synchronized InetSocketAddress observabilityAddress() {
        return observability == null ? null : observability.address();
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Stops accepting connections, drains the open ones (in-flight requests are answered and every chain is run
     * once more with flush set) for up to the drain timeout, then stops the event loops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SourceServer server : sources.values()) {
            server.stopAccepting();
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        List<io.netty.util.concurrent.Future<Void>> drains = new ArrayList<>();
        for (SourceServer server : sources.values()) {
            drains.add(server.drainConnections());
        }
        for (io.netty.util.concurrent.Future<Void> drain : drains) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!drain.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                log.warn("connections did not drain within {}; closing them", drainTimeout);
            }
        }
        // chains close while the event loops still run: what a builder shares between connections (the backend
        // connections of ValkeySinkShared) is closed by tasks on those loops, which a graceful shutdown still runs
        for (BuiltSource built : topology) {
            built.chain().close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        if (observability != null) {
            observability.close();
        }
    }

    /**
     * Builds a proxy from a topology file, a YAML string or Java objects. {@link #build()} loads and validates the
     * topology, throwing {@link dev.shotover.runtime.config.ConfigException} or
     * {@link dev.shotover.runtime.chain.TopologyException} with the same text the CLI prints.
     */
    public static final class Builder {
        private Path topologyFile;
        private String topologyYaml;
        private TopologyConfig topologyConfig;
        private Path configFile;
        private ProxySettings settings;
        private final List<TransformFactory> extraTransforms = new ArrayList<>();
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        private int coreThreads = Runtime.getRuntime().availableProcessors();
        private Duration drainTimeout = Duration.ofSeconds(30);
        private ProxyMetrics metrics;

        private Builder() {
        }

        public Builder topologyFile(Path file) {
            this.topologyFile = Objects.requireNonNull(file);
            return this;
        }

        public Builder topologyYaml(String yaml) {
            this.topologyYaml = Objects.requireNonNull(yaml);
            return this;
        }

        public Builder topology(TopologyConfig topology) {
            this.topologyConfig = Objects.requireNonNull(topology);
            return this;
        }

        /** A {@code config.yaml}; without it (and without {@link #settings}) metrics are not served. */
        public Builder configFile(Path file) {
            this.configFile = Objects.requireNonNull(file);
            return this;
        }

        public Builder settings(ProxySettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /** Registers transforms in code, in addition to those found with {@link java.util.ServiceLoader}. */
        public Builder registerTransform(TransformFactory... factories) {
            extraTransforms.addAll(List.of(factories));
            return this;
        }

        /** The class loader searched for {@link TransformFactory} services (default: the thread's context loader). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader);
            return this;
        }

        /** Event-loop threads (default: the number of cores). */
        public Builder coreThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("core threads must be at least 1");
            }
            this.coreThreads = threads;
            return this;
        }

        /** How long {@link ShotoverProxy#close()} waits for connections to drain (default 30 s). */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Loads and validates; nothing is bound yet. */
        public ShotoverProxy build() {
            TransformRegistry registry = TransformRegistry.discover(classLoader)
                    .with(extraTransforms.toArray(new TransformFactory[0]));
            ConfigLoader loader = new ConfigLoader(registry);
            int given = (topologyFile != null ? 1 : 0) + (topologyYaml != null ? 1 : 0) + (topologyConfig != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalStateException("give exactly one of topologyFile, topologyYaml or topology");
            }
            TopologyConfig topology = topologyConfig != null ? topologyConfig
                    : topologyFile != null ? loader.loadTopology(topologyFile)
                    : loader.parseTopology(topologyYaml, "<topology>");
            ProxySettings resolvedSettings = settings != null ? settings
                    : configFile != null ? loader.loadSettings(configFile)
                    : ProxySettings.defaults();
            ProxyMetrics proxyMetrics = new ProxyMetrics();
            List<BuiltSource> built = new TopologyBuilder(registry, proxyMetrics).build(topology);
            return new ShotoverProxy(built, resolvedSettings, proxyMetrics, coreThreads, drainTimeout);
        }

        /** {@link #build()} then {@link ShotoverProxy#start()}. */
        public ShotoverProxy start() {
            return build().start();
        }
    }
}
