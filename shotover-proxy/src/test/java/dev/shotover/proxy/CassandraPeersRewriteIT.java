package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import dev.shotover.proxy.cassandra.CassandraSessions;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code CassandraPeersRewrite} in front of each node of the shared 3-node cluster (Shotover's
 * {@code peers_rewrite_v3/_v4}): one proxy whose three sources listen on 127.0.0.1, .2 and .3 at the same port, each
 * chain rewriting {@code native_port} of {@code system.peers_v2} to that port and sending to its own node. A driver
 * given only the first proxy then finds the other two at their proxy addresses and never talks to a node directly.
 */
class CassandraPeersRewriteIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static CassandraCluster cassandra;
    private static ShotoverProxy proxy;
    private static int port;

    @BeforeAll
    static void start() {
        cassandra = CassandraCluster.shared();
        port = FreePort.find();
        StringBuilder yaml = new StringBuilder("sources:\n");
        for (int n = 1; n <= 3; n++) {
            yaml.append("""
                      - Cassandra:
                          name: "cassandra-%1$d"
                          listen_addr: "127.0.0.%1$d:%2$d"
                          chain:
                            - CassandraPeersRewrite:
                                port: %2$d
                            - CassandraSinkSingle:
                                remote_address: "%3$s"
                    """.formatted(n, port, CassandraPassthroughIT.hostAndPort(cassandra.contactPoint(n))));
        }
        proxy = ShotoverProxy.builder().topologyYaml(yaml.toString()).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    static Stream<CqlVariant> variants() {
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V3, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V4, Compression.LZ4),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void nativePortOfPeersV2IsTheProxyPortInEveryColumnForm(CqlVariant variant) {
        try (CqlSession session = ProxiedSessions.connect(new InetSocketAddress("127.0.0.1", port), variant)) {
            List<Row> plain = session.execute("SELECT peer, native_port FROM system.peers_v2").all();
            assertThat(plain).hasSize(2);
            assertThat(plain).allSatisfy(row -> assertThat(row.getInt("native_port")).isEqualTo(port));
            assertThat(plain.stream().map(row -> row.getInetAddress("peer").getHostAddress()))
                    .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");

            assertThat(session.execute("SELECT native_port AS foo FROM system.peers_v2").all())
                    .hasSize(2).allSatisfy(row -> assertThat(row.getInt("foo")).isEqualTo(port));

            List<Row> all = session.execute("SELECT * FROM system.peers_v2").all();
            assertThat(all).hasSize(2).allSatisfy(row -> {
                assertThat(row.getInt("native_port")).isEqualTo(port);
                // the other port columns keep the node's values
                assertThat(row.getInt("peer_port")).isEqualTo(CassandraCluster.STORAGE_PORT);
                assertThat(row.getInetAddress("native_address")).isEqualTo(row.getInetAddress("peer"));
            });

            List<Row> duplicated = session.execute("SELECT native_port, peer, native_port FROM system.peers_v2")
                    .all();
            assertThat(duplicated).hasSize(2).allSatisfy(row -> {
                assertThat(row.getInt(0)).isEqualTo(port);
                assertThat(row.getInt(2)).isEqualTo(port);
            });

            List<Row> mixed = session.execute("SELECT native_port AS p, native_port, data_center"
                    + " FROM system.peers_v2").all();
            assertThat(mixed).hasSize(2).allSatisfy(row -> {
                assertThat(row.getInt("p")).isEqualTo(port);
                assertThat(row.getInt("native_port")).isEqualTo(port);
                assertThat(row.getString("data_center")).isEqualTo(CassandraCluster.DATACENTER);
            });

            Row single = session.execute("SELECT native_port FROM system.peers_v2 WHERE peer = '127.0.0.2'"
                    + " AND peer_port = " + CassandraCluster.STORAGE_PORT).one();
            assertThat(single.getInt(0)).isEqualTo(port);
            // the v1 table has no native port column: left alone
            List<Row> peersV1 = session.execute("SELECT peer, rpc_address FROM system.peers").all();
            assertThat(peersV1).hasSize(2);
        }
    }

    @Test
    void driverWithoutAFilterReachesEveryNodeThroughItsProxy() {
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", port);
        try (CqlSession session = CassandraSessions.connect(first, DefaultProtocolVersion.V4, Compression.NONE)) {
            Collection<Node> nodes = session.getMetadata().getNodes().values();
            Set<InetSocketAddress> endpoints = nodes.stream()
                    .map(node -> (InetSocketAddress) node.getEndPoint().resolve()).collect(Collectors.toSet());
            assertThat(endpoints).containsExactlyInAnyOrder(first, new InetSocketAddress("127.0.0.2", port),
                    new InetSocketAddress("127.0.0.3", port));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nodes).allSatisfy(node -> {
                assertThat(node.getState()).isEqualTo(NodeState.UP);
                assertThat(node.getOpenConnections()).isPositive();
            }));
            for (Node node : nodes) {
                Row local = session.execute(SimpleStatement.newInstance("SELECT broadcast_address FROM system.local")
                        .setNode(node)).one();
                InetAddress expected = ((InetSocketAddress) node.getEndPoint().resolve()).getAddress();
                assertThat(local.getInetAddress(0)).as("node %s answers for itself", node).isEqualTo(expected);
            }
            for (int n = 1; n <= 3; n++) {
                assertThat(proxy.metrics().counter("connections_opened", "source", "cassandra-" + n).count())
                        .as("connections through proxy %d", n).isPositive();
            }
        }
    }
}
