package dev.shotover.proxy.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.testsupport.CassandraCluster;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Java driver sessions that talk to one proxy and nothing else.
 *
 * <p>A proxy with {@code CassandraSinkSingle} passes {@code system.peers_v2} through unchanged, so a driver would learn
 * the other nodes of the 3-node cluster at their real addresses and send them requests directly, bypassing the proxy.
 * These sessions mark every node but the contact point {@link NodeDistance#IGNORED}: no pool, no requests, no
 * control connection to them. Their settings are those of {@link CassandraSessions} (local data centre, 10 s
 * request and set-up timeouts, short quiet periods on close), plus: server warnings are not logged (tests read
 * them from {@code ExecutionInfo.getWarnings()} instead), and the protocol version may be left to negotiation.
 *
 * <p>Stateless and thread-safe; the caller closes the sessions.
 */
public final class ProxiedSessions {
    /**
     * What the driver logs (WARN) when the schema refresh it starts after reconnecting meets a connection that is
     * closing again, e.g. to a proxy or backend a test is stopping and restarting: driver-side timing, not an error.
     */
    public static final String RECONNECTION_REFRESH_WARNING =
            "Unexpected error while refreshing schema after a successful reconnection";

    private ProxiedSessions() {
    }

    /** {@return a session to {@code proxy} with the variant's protocol version and compression} */
    public static CqlSession connect(InetSocketAddress proxy, CqlVariant variant) {
        return builder(proxy, config(variant.version(), variant.compression()).build()).build();
    }

    /** {@return like {@link #connect(InetSocketAddress, CqlVariant)}, with {@code keyspace} as the session keyspace} */
    public static CqlSession connect(InetSocketAddress proxy, CqlVariant variant, String keyspace) {
        return builder(proxy, config(variant.version(), variant.compression()).build()).withKeyspace(keyspace).build();
    }

    /**
     * {@return a v4 session for schema set-up, to a proxy or a node, without schema metadata} A session that closes
     * right after a schema change would otherwise race the driver's refresh of its metadata, which then logs a
     * warning. Without metadata the driver does not wait for the nodes to agree on the new schema either: call
     * {@link #awaitSchemaAgreement} before other nodes may need it.
     *
     * @param contactPoint the proxy or node to use, and the only one
     */
    public static CqlSession forSchemaChanges(InetSocketAddress contactPoint) {
        return builder(contactPoint, config(DefaultProtocolVersion.V4, Compression.NONE)
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false).build()).build();
    }

    /**
     * Waits until the session's node and every peer it knows report the same schema version (at most 30 s).
     *
     * @param session a session with one usable node, e.g. from {@link #forSchemaChanges}
     */
    public static void awaitSchemaAgreement(CqlSession session) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<UUID> versions = new HashSet<>();
            versions.add(session.execute("SELECT schema_version FROM system.local").one().getUuid(0));
            session.execute("SELECT schema_version FROM system.peers_v2").forEach(row -> versions.add(row.getUuid(0)));
            if (versions.size() == 1) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the nodes did not agree on a schema version within 30 s: " + versions);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * {@return a session builder whose only usable node is {@code proxy}} Add listeners or a keyspace, then build.
     *
     * @param proxy  the proxy's listen address, the contact point
     * @param config the driver configuration, e.g. {@code config(...).build()}
     */
    public static CqlSessionBuilder builder(InetSocketAddress proxy, DriverConfigLoader config) {
        return CqlSession.builder()
                .addContactPoint(proxy)
                .withLocalDatacenter(CassandraCluster.DATACENTER)
                .withConfigLoader(config)
                // null = the load-balancing policy decides as usual, which it may only do for the proxy
                .withNodeDistanceEvaluator((node, localDc) ->
                        proxy.equals(node.getEndPoint().resolve()) ? null : NodeDistance.IGNORED);
    }

    /**
     * {@return the driver configuration of these sessions, to extend before {@code build()}}
     *
     * @param version     the protocol version to force, or null to let the driver negotiate (it starts at v5)
     * @param compression the compression to ask for
     */
    public static ProgrammaticDriverConfigLoaderBuilder config(DefaultProtocolVersion version,
            Compression compression) {
        Duration setupTimeout = Duration.ofSeconds(10);
        ProgrammaticDriverConfigLoaderBuilder config = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.PROTOCOL_COMPRESSION, compression.driverName())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, CassandraSessions.REQUEST_TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, setupTimeout)
                .withBoolean(DefaultDriverOption.REQUEST_LOG_WARNINGS, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                // as CassandraSessions: the admin executor completes the close future, so it gets a short quiet
                // period (a zero one can end it first, and netty then logs an ERROR)
                .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, "MILLISECONDS")
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 500)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000);
        if (version != null) {
            config.withString(DefaultDriverOption.PROTOCOL_VERSION, version.name());
        }
        return config;
    }
}
