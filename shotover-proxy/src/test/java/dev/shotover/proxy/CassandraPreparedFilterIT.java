package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import dev.shotover.proxy.cassandra.CassandraSessions;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.LogCapture;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code QueryTypeFilter: DenyList: [Write]} in front of node 1 of the shared 3-node cluster, driven by the Java
 * driver 4.19 with prepared statements: a prepared SELECT works, a prepared INSERT (or a batch of them) is rejected
 * with Shotover's text, and nothing is written. Shotover classifies every EXECUTE as a read and lets prepared writes
 * through; here the filter learns what each prepared id stands for from the PREPAREs it passes.
 *
 * <p>The restart test shows that a proxy which never saw the PREPARE (restarted while the driver kept its prepared
 * statements) answers the EXECUTE with {@code Unprepared}, the driver prepares again through it and retries, and the
 * statement is classified correctly, transparently for the application. The driver's own re-prepare when a node
 * comes back up is switched off there, so the {@code Unprepared} round trip is the only way the proxy can learn; a
 * {@code QueryCounter} before the filter and one after it show the round trip in the metrics.
 *
 * <p>Sessions are pinned to the proxy: the other nodes, which the proxy's {@code system.peers_v2} lists at their real
 * addresses, are ignored by the driver.
 */
class CassandraPreparedFilterIT {
    /** Per test: the restart test expects the driver to complain about its lost connections. */
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private static final String KEYSPACE = "prepared_filter";
    private static final String FILTERED = "Message was filtered out by shotover";
    private static final String SOURCE = "cassandra";

    private static CassandraCluster cassandra;
    /** A session straight to the cluster, for the schema and to check what was (not) written. */
    private static CqlSession direct;

    @BeforeAll
    static void createSchema() {
        cassandra = CassandraCluster.shared();
        direct = CqlSession.builder()
                .addContactPoint(cassandra.contactPoint(1))
                .withLocalDatacenter(CassandraCluster.DATACENTER)
                .withConfigLoader(config(DefaultProtocolVersion.V4, true))
                .build();
        direct.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        direct.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".kv (k text PRIMARY KEY, v int)");
        assertThat(direct.checkSchemaAgreement()).isTrue();
        direct.execute("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES ('existing', 42)");
    }

    @AfterAll
    static void closeDirectSession() {
        if (direct != null) {
            direct.close();
        }
    }

    /** Counter {@code before} sees every request, the filter rejects writes, counter {@code after} sees the rest. */
    private static ShotoverProxy startProxy(int port) {
        return ShotoverProxy.builder()
                .coreThreads(2)
                .drainTimeout(Duration.ofSeconds(5))
                .topologyYaml("""
                        sources:
                          - Cassandra:
                              name: "%s"
                              listen_addr: "127.0.0.1:%d"
                              chain:
                                - QueryCounter:
                                    name: "before-filter"
                                    counter_name: "before"
                                - QueryTypeFilter:
                                    DenyList: [Write]
                                - QueryCounter:
                                    name: "after-filter"
                                    counter_name: "after"
                                - CassandraSinkSingle:
                                    remote_address: "%s:%d"
                                    connect_timeout_ms: 3000
                        """.formatted(SOURCE, port, cassandra.host(1), cassandra.nativePort()))
                .start();
    }

    /**
     * A session whose only node is the proxy.
     *
     * @param keyspace          the session keyspace (the driver sends USE on every connection), or null
     * @param reprepareOnUp     whether the driver re-prepares its statements on a node that comes back up
     */
    private static CqlSession connect(InetSocketAddress proxy, DefaultProtocolVersion version, String keyspace,
            boolean reprepareOnUp) {
        var builder = CqlSession.builder()
                .addContactPoint(proxy)
                .withLocalDatacenter(CassandraCluster.DATACENTER)
                .withConfigLoader(config(version, reprepareOnUp))
                // null: the load-balancing policy decides, which it only may for the proxy
                .withNodeDistanceEvaluator((node, localDc) ->
                        proxy.equals(node.getEndPoint().resolve()) ? null : NodeDistance.IGNORED);
        if (keyspace != null) {
            builder.withKeyspace(keyspace);
        }
        return builder.build();
    }

    /** The settings of {@link CassandraSessions}, plus the few this test needs. */
    private static DriverConfigLoader config(DefaultProtocolVersion version, boolean reprepareOnUp) {
        Duration setupTimeout = Duration.ofSeconds(10);
        return DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.PROTOCOL_VERSION, version.name())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, CassandraSessions.REQUEST_TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, setupTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, setupTimeout)
                .withBoolean(DefaultDriverOption.REPREPARE_ENABLED, reprepareOnUp)
                // reconnect to the restarted proxy at once rather than after the default 1 s or more
                .withString(DefaultDriverOption.RECONNECTION_POLICY_CLASS, "ConstantReconnectionPolicy")
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                // Not 0: close() submits its task to the admin executor and then adds a listener to the task's
                // future; with no quiet period the executor can terminate in between, and netty logs an ERROR
                // ("Failed to submit a listener notification task").
                .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, "MILLISECONDS")
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 500)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000)
                .build();
    }

    /** The value of {@code shotover_query_count{name=counter, query=query, type="cassandra"}}, 0 when absent. */
    private static long count(ShotoverProxy proxy, String counter, String query) {
        String series = "shotover_query_count{name=\"" + counter + "\",query=\"" + query + "\",type=\"cassandra\"} ";
        return proxy.metrics().scrape().lines()
                .filter(line -> line.startsWith(series))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(series.length()).strip()))
                .findFirst().orElse(0);
    }

    private static Row storedRow(String key) {
        return direct.execute("SELECT v FROM " + KEYSPACE + ".kv WHERE k = ?", key).one();
    }

    @ParameterizedTest
    @EnumSource(value = DefaultProtocolVersion.class, names = {"V3", "V4", "V5"})
    void preparedReadsPassAndPreparedWritesAreFilteredOut(DefaultProtocolVersion version) {
        String written = "written-" + version;
        try (ShotoverProxy proxy = startProxy(0);
             CqlSession session = connect(proxy.address(SOURCE), version, KEYSPACE, true)) {
            // unqualified, resolved against the session keyspace, and qualified
            PreparedStatement select = session.prepare("SELECT v FROM kv WHERE k = ?");
            PreparedStatement insert = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)");
            PreparedStatement qualifiedInsert = session.prepare("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES (?, ?)");
            PreparedStatement update = session.prepare("UPDATE " + KEYSPACE + ".kv SET v = ? WHERE k = ?");

            for (int i = 0; i < 3; i++) {
                assertThat(session.execute(select.bind("existing")).one().getInt("v")).isEqualTo(42);
            }
            assertThatThrownBy(() -> session.execute(insert.bind(written, 1)))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            assertThatThrownBy(() -> session.execute(qualifiedInsert.bind(written, 2)))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            assertThatThrownBy(() -> session.execute(update.bind(7, "existing")))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            assertThatThrownBy(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                    insert.bind(written, 3), update.bind(8, "existing"))))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            // and the same write as a plain query, which Shotover already filtered
            assertThatThrownBy(() -> session.execute("INSERT INTO kv (k, v) VALUES ('" + written + "', 4)"))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);

            assertThat(storedRow(written)).as("nothing was written").isNull();
            assertThat(storedRow("existing").getInt("v")).isEqualTo(42);

            // the counters name the statements the EXECUTEs run; nothing but reads got past the filter
            assertThat(count(proxy, "before", "PREPARE")).isEqualTo(4);
            assertThat(count(proxy, "after", "PREPARE")).isEqualTo(4);
            assertThat(count(proxy, "before", "EXECUTE")).as("every id was known").isZero();
            assertThat(count(proxy, "before", "INSERT")).isEqualTo(4); // 2 EXECUTEs, 1 batch child, 1 QUERY
            assertThat(count(proxy, "before", "UPDATE")).isEqualTo(2);
            assertThat(count(proxy, "after", "INSERT")).isZero();
            assertThat(count(proxy, "after", "UPDATE")).isZero();
            assertThat(count(proxy, "after", "SELECT")).isGreaterThanOrEqualTo(3);
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    /**
     * @param reprepareOnUp false: the driver's own re-prepare when the node comes back up is off, so the proxy can
     *                      only learn through {@code Unprepared} (and the counters show that round trip); true: the
     *                      driver's default, where it may re-prepare before the first EXECUTE
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRestartedProxyLearnsTheDriversPreparedStatementsThroughUnprepared(boolean reprepareOnUp) {
        String written = "written-after-restart";
        ShotoverProxy first = startProxy(0);
        InetSocketAddress address = first.address(SOURCE);
        ShotoverProxy second = null;
        try (CqlSession session = connect(address, DefaultProtocolVersion.V4, null, reprepareOnUp)) {
            PreparedStatement select = session.prepare("SELECT v FROM " + KEYSPACE + ".kv WHERE k = ?");
            PreparedStatement insert = session.prepare("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES (?, ?)");
            assertThat(session.execute(select.bind("existing")).one().getInt("v")).isEqualTo(42);
            assertThat(count(first, "before", "PREPARE")).isEqualTo(2);

            Node proxyNode = session.getMetadata().getNodes().values().stream()
                    .filter(node -> address.equals(node.getEndPoint().resolve())).findFirst().orElseThrow();
            first.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> proxyNode.getOpenConnections() == 0);

            // same address, empty registry: everything the driver prepared is unknown to it
            second = startProxy(address.getPort());
            ShotoverProxy restarted = second;
            await().atMost(Duration.ofSeconds(30)).until(() -> proxyNode.getState() == NodeState.UP
                    && proxyNode.getOpenConnections() > 0);

            assertThat(session.execute(select.bind("existing")).one().getInt("v")).isEqualTo(42);
            if (!reprepareOnUp) {
                // the first EXECUTE got Unprepared (the counter before the filter counted its unknown id), the
                // driver prepared again through both counters and the filter, and its retry passed the filter
                assertThat(count(restarted, "before", "EXECUTE")).isEqualTo(1);
                assertThat(count(restarted, "before", "PREPARE")).isEqualTo(1);
                assertThat(count(restarted, "after", "PREPARE")).isEqualTo(1);
                assertThat(count(restarted, "after", "EXECUTE")).as("no unknown id got past the filter").isZero();
            }

            assertThatThrownBy(() -> session.execute(insert.bind(written, 1)))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            assertThat(count(restarted, "after", "INSERT")).isZero();
            assertThat(storedRow(written)).isNull();
            if (!reprepareOnUp) {
                assertThat(count(restarted, "before", "EXECUTE")).isEqualTo(2);
                assertThat(count(restarted, "before", "PREPARE")).isEqualTo(2);
                assertThat(count(restarted, "before", "INSERT")).as("the retry, classified").isEqualTo(1);
            }

            // from now on both ids are known: no more round trips (the driver's re-prepare on up, when enabled,
            // may still be sending PREPAREs of its own, so only unknown EXECUTEs are counted then)
            long executes = count(restarted, "before", "EXECUTE");
            long prepares = count(restarted, "before", "PREPARE");
            assertThat(session.execute(select.bind("existing")).one().getInt("v")).isEqualTo(42);
            assertThatThrownBy(() -> session.execute(insert.bind(written, 2)))
                    .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERED);
            assertThat(count(restarted, "before", "EXECUTE")).isEqualTo(executes);
            if (!reprepareOnUp) {
                assertThat(count(restarted, "before", "PREPARE")).isEqualTo(prepares);
            }
            assertThat(count(restarted, "after", "INSERT")).isZero();
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
        // the driver may log a failed attempt while it reconnects to the restarted proxy, and (on a loaded machine) a
        // schema refresh on a control connection that reached the first proxy while it was shutting down
        logs.assertNoUnexpectedWarnOrError("Error while opening new channel",
                ProxiedSessions.RECONNECTION_REFRESH_WARNING);
    }
}
