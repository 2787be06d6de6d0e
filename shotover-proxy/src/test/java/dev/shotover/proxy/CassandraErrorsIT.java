package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.proxy.cassandra.TcpRelay;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a CQL driver sees when the proxy refuses or cannot serve a request: {@code QueryTypeFilter} answers with
 * {@code Invalid}, a backend that is down with a server error naming the cause (and service resumes when it comes
 * back), {@code NullSink} and {@code DebugReturner: Fail} with server errors. Never a hang. Also
 * {@code QueryCounter}'s per-statement counts. One proxy for the class.
 */
class CassandraErrorsIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static final String KEYSPACE = "errors_it";
    /** A connection set-up that fails is seen well within this: the proxy answers, nothing waits for a timeout. */
    private static final Duration PROMPTLY = Duration.ofSeconds(8);

    private static CassandraCluster cassandra;
    private static ShotoverProxy proxy;
    private static int relayPort;

    @BeforeAll
    static void start() {
        cassandra = CassandraCluster.shared();
        relayPort = FreePort.find();
        String node1 = CassandraPassthroughIT.hostAndPort(cassandra.contactPoint(1));
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Cassandra:
                      name: "filtered"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - QueryCounter:
                            counter_name: "cql"
                        - QueryTypeFilter:
                            DenyList: [Write]
                        - CassandraSinkSingle:
                            remote_address: "%s"
                  - Cassandra:
                      name: "flaky"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - CassandraSinkSingle:
                            remote_address: "127.0.0.1:%d"
                            connect_timeout_ms: 2000
                  - Cassandra:
                      name: "null"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - NullSink
                  - Cassandra:
                      name: "fail"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - DebugReturner: Fail
                """.formatted(node1, relayPort)).start();
        try (CqlSession direct = ProxiedSessions.forSchemaChanges(cassandra.contactPoint(1))) {
            direct.execute("CREATE KEYSPACE " + KEYSPACE
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            direct.execute("CREATE TABLE " + KEYSPACE + ".kv (k text PRIMARY KEY, v int)");
            ProxiedSessions.awaitSchemaAgreement(direct);
            direct.execute("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES ('existing', 1)");
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        // the proxy logs each failed connection once, as Shotover does; the driver may log a schema refresh that met
        // the backend going down again
        logs.assertNoUnexpectedWarnOrError("Failed to connect to destination", "Intentional Fail!",
                ProxiedSessions.RECONNECTION_REFRESH_WARNING);
    }

    static Stream<CqlVariant> filterVariants() {
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V3, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterVariants")
    void writesAreFilteredOutAndEveryStatementIsCounted(CqlVariant variant) {
        try (CqlSession session = ProxiedSessions.connect(proxy.address("filtered"), variant)) {
            double selects = queryCount("SELECT");
            double inserts = queryCount("INSERT");

            assertThat(session.execute("SELECT v FROM " + KEYSPACE + ".kv WHERE k = 'existing'").one().getInt(0))
                    .isEqualTo(1);
            assertThatThrownBy(() -> session.execute("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES ('new', 2)"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("Message was filtered out by shotover");
            assertThatThrownBy(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                    SimpleStatement.newInstance("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES ('b1', 1)"),
                    SimpleStatement.newInstance("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES ('b2', 2)"))))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("Message was filtered out by shotover");
            // the connection is still usable, and nothing was written
            assertThat(session.execute("SELECT k FROM " + KEYSPACE + ".kv WHERE k IN ('new', 'b1', 'b2')").all())
                    .isEmpty();

            assertThat(queryCount("SELECT") - selects).isEqualTo(2);
            assertThat(queryCount("INSERT") - inserts).as("one INSERT, then a BATCH of two").isEqualTo(3);
        }
        assertThat(proxy.metrics().scrape())
                .contains("shotover_query_count{name=\"cql\",query=\"SELECT\",type=\"cassandra\"}");
    }

    private static double queryCount(String query) {
        return proxy.metrics().counter("shotover_query_count", "name", "cql", "query", query, "type", "cassandra")
                .count();
    }

    @Test
    void backendDownIsAServerErrorNamingTheCauseAndServiceResumesWhenItIsBack() {
        InetSocketAddress flaky = proxy.address("flaky");
        long start = System.nanoTime();
        assertThatThrownBy(() -> connect(flaky)).isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(errorsOf((AllNodesFailedException) e))
                        .contains("error code [SERVER_ERROR]")
                        .contains("Failed to connect to destination 127.0.0.1:" + relayPort));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);

        try (TcpRelay relay = TcpRelay.start(relayPort, cassandra.contactPoint(1));
             CqlSession session = connect(flaky)) {
            assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0))
                    .isEqualTo(CassandraCluster.VERSION);

            // the node goes away under a live session: requests fail promptly instead of hanging...
            relay.close();
            start = System.nanoTime();
            assertThatThrownBy(() -> session.execute("SELECT release_version FROM system.local"))
                    .isInstanceOf(RuntimeException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);

            // ...and once it is back the driver reconnects through the proxy and carries on
            try (TcpRelay back = TcpRelay.start(relayPort, cassandra.contactPoint(1))) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0))
                                .isEqualTo(CassandraCluster.VERSION));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DefaultProtocolVersion.class, names = {"V3", "V5"})
    void nullSinkAnswersEveryRequestWithAServerError(DefaultProtocolVersion version) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> connect(proxy.address("null"), version))
                .isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(errorsOf((AllNodesFailedException) e))
                        .contains("error code [SERVER_ERROR]").contains("Handled by shotover null transform"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
    }

    @ParameterizedTest
    @EnumSource(value = DefaultProtocolVersion.class, names = {"V3", "V5"})
    void failingTransformIsAServerErrorNamingIt(DefaultProtocolVersion version) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> connect(proxy.address("fail"), version))
                .isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(errorsOf((AllNodesFailedException) e))
                        .contains("error code [SERVER_ERROR]").contains("Intentional Fail!").contains("chain: fail"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
    }

    private static CqlSession connect(InetSocketAddress address) {
        return connect(address, DefaultProtocolVersion.V4);
    }

    /** A session that reconnects quickly and does not log the failures this class provokes. */
    private static CqlSession connect(InetSocketAddress address, DefaultProtocolVersion version) {
        return ProxiedSessions.builder(address, ProxiedSessions.config(version, Compression.NONE)
                        .withBoolean(DefaultDriverOption.CONNECTION_WARN_INIT_ERROR, false)
                        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
                        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1))
                        .build())
                .build();
    }

    /** Every error behind a failed session start, with causes, as one text. */
    private static String errorsOf(AllNodesFailedException e) {
        StringBuilder text = new StringBuilder();
        for (List<Throwable> errors : e.getAllErrors().values()) {
            for (Throwable error : errors) {
                for (Throwable t = error; t != null; t = t.getCause()) {
                    text.append(t).append('\n');
                }
            }
        }
        return text.toString();
    }
}
