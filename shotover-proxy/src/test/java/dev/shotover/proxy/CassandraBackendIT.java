package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import dev.shotover.proxy.cassandra.CassandraSessions;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.LogCapture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Cassandra the proxy ITs run against, checked without a proxy: the shared 3-node cluster serves CQL, has
 * the topology the proxy tests rely on (3 nodes on 127.0.0.1-3, one token each, {@code system.peers_v2} advertising
 * port {@value CassandraCluster#NATIVE_PORT}), and the Java driver works from the test JVM (on our netty 4.2, with
 * lz4 and snappy compression, protocol v3 to v5, without warnings or leaked buffers).
 */
class CassandraBackendIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static final String KEYSPACE = "backend_it";

    private static CassandraCluster cassandra;
    private static CqlSession session;

    @BeforeAll
    static void connect() {
        cassandra = CassandraCluster.shared();
        session = CassandraSessions.connect(cassandra.contactPoint(1));
    }

    @AfterAll
    static void closeAndCheckLogs() {
        if (session != null) {
            session.close();
        }
        // The driver is built for netty 4.1 and runs on our 4.2 here: it must neither warn nor leak buffers.
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void driverSeesThreeNodesWithOneTokenEach() {
        Map<InetSocketAddress, Node> nodes = session.getMetadata().getNodes().values().stream()
                .collect(Collectors.toMap(node -> (InetSocketAddress) node.getEndPoint().resolve(), node -> node));
        assertThat(nodes.keySet()).containsExactlyInAnyOrderElementsOf(cassandra.contactPoints());
        assertThat(nodes.values()).allSatisfy(node -> assertThat(node.getDatacenter())
                .isEqualTo(CassandraCluster.DATACENTER));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nodes.values())
                .allSatisfy(node -> assertThat(node.getState()).isEqualTo(NodeState.UP)));

        TokenMap tokenMap = session.getMetadata().getTokenMap().orElseThrow();
        for (int n = 1; n <= cassandra.size(); n++) {
            Set<Token> tokens = tokenMap.getTokens(nodes.get(cassandra.contactPoint(n)));
            assertThat(tokens).as("tokens of node %d", n)
                    .containsExactly(tokenMap.parse(Long.toString(cassandra.token(n))));
        }
    }

    @Test
    void peersV2OfNodeOneListsTheOtherTwoWithTheirNativePort() {
        Node node1 = session.getMetadata().getNodes().values().stream()
                .filter(node -> node.getEndPoint().resolve().equals(cassandra.contactPoint(1))).findFirst()
                .orElseThrow();
        List<Row> rows = session.execute(SimpleStatement.newInstance(
                "SELECT peer, native_address, native_port, data_center FROM system.peers_v2").setNode(node1)).all();

        Map<String, Integer> nativePorts = new TreeMap<>();
        for (Row row : rows) {
            assertThat(row.getInetAddress("native_address")).isEqualTo(row.getInetAddress("peer"));
            assertThat(row.getString("data_center")).isEqualTo(CassandraCluster.DATACENTER);
            nativePorts.put(row.getInetAddress("peer").getHostAddress(), row.getInt("native_port"));
        }
        assertThat(nativePorts).isEqualTo(Map.of("127.0.0.2", cassandra.nativePort(),
                "127.0.0.3", cassandra.nativePort()));
        assertThat(cassandra.nativePort()).isEqualTo(19042);
    }

    @Test
    void createsKeyspaceAndTableThenWritesAndReadsRows() {
        session.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".kv (k text PRIMARY KEY, v int)");
        assertThat(session.checkSchemaAgreement()).isTrue();

        PreparedStatement insert = session.prepare("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES (?, ?)");
        for (int i = 0; i < 30; i++) {
            session.execute(insert.bind("key-" + i, i * 7));
        }
        PreparedStatement select = session.prepare("SELECT v FROM " + KEYSPACE + ".kv WHERE k = ?");
        for (int i = 0; i < 30; i++) {
            Row row = session.execute(select.bind("key-" + i)).one();
            assertThat(row).as("row key-%d", i).isNotNull();
            assertThat(row.getInt("v")).isEqualTo(i * 7);
        }
        assertThat(session.execute(select.bind("missing")).one()).isNull();
        // a full scan rather than count(*), which makes the server warn about an aggregation without partition key
        assertThat(session.execute("SELECT k FROM " + KEYSPACE + ".kv").all()).hasSize(30);

        // RF 1 over three single-token nodes: the rows spread over more than one replica.
        TokenMap tokenMap = session.getMetadata().getTokenMap().orElseThrow();
        Set<Node> owners = IntStream.range(0, 30)
                .mapToObj(i -> tokenMap.getReplicas(KEYSPACE,
                        TypeCodecs.TEXT.encode("key-" + i, session.getContext().getProtocolVersion())))
                .flatMap(Set::stream).collect(Collectors.toSet());
        assertThat(owners).hasSizeGreaterThan(1);
    }

    @Test
    void compressedSessionsWorkWithEveryProtocolVersionTheProxySupports() {
        record Variant(DefaultProtocolVersion version, Compression compression) {
        }
        for (Variant variant : List.of(new Variant(DefaultProtocolVersion.V3, Compression.LZ4),
                new Variant(DefaultProtocolVersion.V4, Compression.LZ4),
                new Variant(DefaultProtocolVersion.V4, Compression.SNAPPY),
                new Variant(DefaultProtocolVersion.V5, Compression.LZ4),
                new Variant(DefaultProtocolVersion.V5, Compression.NONE))) {
            try (CqlSession compressed = CassandraSessions.connect(cassandra.contactPoint(2), variant.version(),
                    variant.compression())) {
                assertThat(compressed.getContext().getProtocolVersion()).as("%s", variant)
                        .isEqualTo(variant.version());
                Row local = compressed.execute("SELECT release_version, rpc_address FROM system.local").one();
                assertThat(local.getString("release_version")).as("%s", variant).isEqualTo(CassandraCluster.VERSION);
            }
        }
    }
}
