package dev.shotover.proxy.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.shotover.testsupport.CassandraCluster;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Java driver sessions for the Cassandra ITs, configured in code (no {@code application.conf}) so every test states
 * the protocol version and compression it exercises.
 *
 * <p>Every session uses the local data centre {@value CassandraCluster#DATACENTER} (what the test cluster reports),
 * a fixed protocol version (no negotiation: a test of v4 must not silently run v5), a 10 s request timeout and 10 s
 * connection set-up timeouts (the driver's 2 s and 5 s defaults are too short while three Cassandra JVMs and a proxy
 * share two cores), and short quiet periods when its event loops shut down, so closing a session does not cost 2 s.
 *
 * <p>The driver connects to every node it discovers in {@code system.peers_v2} of the contact point (for a proxy:
 * whatever the proxy rewrote that table to). The caller closes the session. Stateless and thread-safe.
 */
public final class CassandraSessions {
    /** The request timeout of every session. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Envelope compression a session asks for in STARTUP. */
    public enum Compression {
        NONE("none"),
        /** LZ4: per envelope in v3/v4, per segment in v5. */
        LZ4("lz4"),
        /** Snappy: v3/v4 only; the driver refuses it with v5. */
        SNAPPY("snappy");

        private final String driverName;

        Compression(String driverName) {
            this.driverName = driverName;
        }

        /** The value of the driver's {@code advanced.protocol.compression} option. */
        public String driverName() {
            return driverName;
        }
    }

    private CassandraSessions() {
    }

    /** A protocol v4 session without compression. */
    public static CqlSession connect(InetSocketAddress contactPoint) {
        return connect(contactPoint, DefaultProtocolVersion.V4, Compression.NONE);
    }

    /** A session through one contact point (a node, or a proxy in front of the cluster). */
    public static CqlSession connect(InetSocketAddress contactPoint, DefaultProtocolVersion version,
            Compression compression) {
        return connect(List.of(contactPoint), version, compression);
    }

    /** A session through several contact points; the driver tries them in order until one answers. */
    public static CqlSession connect(List<InetSocketAddress> contactPoints, DefaultProtocolVersion version,
            Compression compression) {
        return CqlSession.builder()
                .addContactPoints(contactPoints)
                .withLocalDatacenter(CassandraCluster.DATACENTER)
                .withConfigLoader(configLoader(version, compression))
                .build();
    }

    /** The driver configuration {@link #connect} uses, for tests that build a session themselves. */
    public static DriverConfigLoader configLoader(DefaultProtocolVersion version, Compression compression) {
        Duration setupTimeout = Duration.ofSeconds(10);
        return DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.PROTOCOL_VERSION, version.name())
                .withString(DefaultDriverOption.PROTOCOL_COMPRESSION, compression.driverName())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, setupTimeout)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                // the admin executor completes the close future; with no quiet period it can terminate before that
                // and netty logs an ERROR, so it gets half a second (in milliseconds, not the default seconds)
                .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, "MILLISECONDS")
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 500)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000)
                .build();
    }
}
