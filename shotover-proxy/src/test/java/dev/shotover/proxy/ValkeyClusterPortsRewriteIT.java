package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;

/**
 * Cluster-aware clients through {@code ValkeyClusterPortsRewrite → ValkeySinkCluster} (cluster handling: keyed
 * commands routed by slot, {@code CLUSTER ...} answered by the direct node) in front of a real 6-node cluster. The
 * topology replies name the proxy's port for every node, so JedisCluster, Lettuce's {@code RedisClusterClient} and
 * {@code redis-cli -c} open every connection to the proxy and never to a node.
 */
class ValkeyClusterPortsRewriteIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisCluster cluster;
    private static ShotoverProxy handling;
    private static int handlingPort;
    private static ShotoverProxy single;
    private static int singlePort;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        int[] ports = FreePort.find(2);
        handlingPort = ports[0];
        singlePort = ports[1];
        String points = cluster.contactPoints().stream().map(p -> '"' + p + '"').collect(Collectors.joining(", "));
        handling = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:%d"
                      chain:
                        - ValkeyClusterPortsRewrite:
                            new_port: %d
                        - ValkeySinkCluster:
                            first_contact_points: [%s]
                            direct_destination: "%s"
                            connect_timeout_ms: 3000
                """.formatted(handlingPort, handlingPort, points, cluster.contactPoints().get(0))).start();
        // the Redis alias, in front of one node
        single = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:%d"
                      chain:
                        - RedisClusterPortsRewrite:
                            name: "rewrite"
                            new_port: %d
                        - ValkeySinkSingle:
                            remote_address: "%s"
                """.formatted(singlePort, singlePort, cluster.contactPoints().get(1))).start();
    }

    @AfterAll
    static void stop() {
        if (handling != null) {
            handling.close();
        }
        if (single != null) {
            single.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private static Jedis jedis(int port) {
        return new Jedis(RedisCluster.HOST, port, 10_000);
    }

    @Test
    void everyTopologyReplyNamesTheProxyPort() {
        for (int port : new int[] {handlingPort, singlePort}) {
            try (Jedis jedis = jedis(port)) {
                // a node lists a replica in CLUSTER SLOTS only once gossip told it the replica is healthy, which
                // can trail the cluster's readiness by a moment on a loaded machine
                await().atMost(Duration.ofSeconds(15)).until(() -> jedis.clusterSlots().stream()
                        .mapToInt(range -> ((List<?>) range).size() - 2).sum() == 6);
                List<Object> slots = jedis.clusterSlots();
                assertThat(slots).isNotEmpty();
                int nodes = 0;
                for (Object range : slots) {
                    List<?> elements = (List<?>) range;
                    for (Object node : elements.subList(2, elements.size())) {
                        assertThat(((List<?>) node).get(1)).isEqualTo((long) port);
                        nodes++;
                    }
                }
                assertThat(nodes).as("3 primaries and 3 replicas").isEqualTo(6);

                String clusterNodes = jedis.clusterNodes();
                List<String> lines = clusterNodes.lines().collect(Collectors.toList());
                assertThat(lines).hasSize(6);
                for (String line : lines) {
                    String address = line.split(" ")[1];
                    assertThat(address).startsWith("127.0.0.1:" + port + "@");
                    // the bus port is not the client port and is kept
                    int bus = Integer.parseInt(address.substring(address.indexOf('@') + 1).split(",")[0]);
                    assertThat(bus).isNotEqualTo(port);
                }

                List<ClusterShardInfo> shards = jedis.clusterShards();
                assertThat(shards).hasSize(3);
                for (ClusterShardInfo shard : shards) {
                    for (ClusterShardNodeInfo node : shard.getNodes()) {
                        assertThat(node.getPort()).isEqualTo(port);
                    }
                }

                String primaryId = lines.stream().filter(l -> l.contains("master")).findFirst().orElseThrow()
                        .split(" ")[0];
                List<String> replicas = jedis.clusterReplicas(primaryId);
                assertThat(replicas).hasSize(1);
                assertThat(replicas.get(0).split(" ")[1]).startsWith("127.0.0.1:" + port + "@");
            }
        }
        // what the cluster itself says is unchanged
        try (Jedis node = jedis(cluster.ports()[0])) {
            assertThat(node.clusterNodes()).doesNotContain(":" + handlingPort + "@");
        }
    }

    @Test
    void jedisClusterKnowsOnlyTheProxy() {
        try (JedisCluster jedis = new JedisCluster(new HostAndPort(RedisCluster.HOST, handlingPort))) {
            assertThat(jedis.getClusterNodes().keySet()).containsExactly(RedisCluster.HOST + ":" + handlingPort);
            for (int i = 0; i < 300; i++) {
                jedis.set("jc:" + i, "v" + i);
            }
            for (int i = 0; i < 300; i++) {
                assertThat(jedis.get("jc:" + i)).isEqualTo("v" + i);
            }
            assertThat(jedis.getClusterNodes().keySet()).containsExactly(RedisCluster.HOST + ":" + handlingPort);
        }
        // the keys really are spread over the cluster
        long total = 0;
        for (int primary : cluster.primaryPorts()) {
            try (Jedis node = jedis(primary)) {
                long here = node.keys("jc:*").size();
                assertThat(here).isPositive();
                total += here;
            }
        }
        assertThat(total).isEqualTo(300);
    }

    @Test
    void lettuceClusterClientOpensEveryConnectionToTheProxy() {
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://" + RedisCluster.HOST + ":"
                + handlingPort));
        List<SocketAddress> opened = new CopyOnWriteArrayList<>();
        Disposable subscription = client.getResources().eventBus().get()
                .filter(event -> event instanceof ConnectionActivatedEvent)
                .subscribe(event -> opened.add(((ConnectionActivatedEvent) event).remoteAddress()));
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            RedisAdvancedClusterCommands<String, String> sync = connection.sync();
            for (int i = 0; i < 300; i++) {
                assertThat(sync.set("lc:" + i, "v" + i)).isEqualTo("OK");
            }
            for (int i = 0; i < 300; i++) {
                assertThat(sync.get("lc:" + i)).isEqualTo("v" + i);
            }
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 300; i += 7) {
                keys.add("lc:" + i);
            }
            // Lettuce splits a cross-slot MGET by slot: each part goes to its "node", which is the proxy
            assertThat(sync.mget(keys.toArray(String[]::new))).hasSize(keys.size())
                    .allSatisfy(kv -> assertThat(kv.getValue()).startsWith("v"));
            for (RedisClusterNode node : connection.getPartitions()) {
                assertThat(node.getUri().getPort()).isEqualTo(handlingPort);
            }
            assertThat(opened).isNotEmpty();
            Set<Integer> ports = opened.stream().map(a -> ((InetSocketAddress) a).getPort())
                    .collect(Collectors.toSet());
            assertThat(ports).containsExactly(handlingPort);
        } finally {
            subscription.dispose();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void redisCliInClusterModeWorksThroughTheProxy() throws Exception {
        for (int i = 0; i < 20; i++) {
            String out = RedisCluster.cli(Duration.ofSeconds(30), "-c", "-h", RedisCluster.HOST,
                    "-p", Integer.toString(handlingPort), "SET", "cli:" + i, "value" + i);
            assertThat(out.strip()).isEqualTo("OK");
        }
        String value = RedisCluster.cli(Duration.ofSeconds(30), "-c", "-h", RedisCluster.HOST,
                "-p", Integer.toString(handlingPort), "GET", "cli:7");
        assertThat(value.strip()).isEqualTo("value7");
        // --cluster check reads CLUSTER NODES and connects to every node it names: all of them are the proxy
        Process check = new ProcessBuilder("redis-cli", "--cluster", "check",
                RedisCluster.HOST + ":" + handlingPort).redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(report).contains(RedisCluster.HOST + ":" + handlingPort);
        for (int port : cluster.ports()) {
            assertThat(report).doesNotContain(RedisCluster.HOST + ":" + port + " ");
        }
    }

    @Test
    void errorsPassThroughUnchanged() {
        try (Jedis jedis = jedis(singlePort)) {
            Object reply;
            try {
                reply = jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "REPLICAS", "no-such-node");
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                reply = e.getMessage();
            }
            assertThat(reply).isEqualTo("ERR Unknown node no-such-node");
            Map<String, String> info = parseInfo(jedis.clusterInfo());
            assertThat(info.get("cluster_state")).isEqualTo("ok");
        }
    }

    @Test
    void redirectsFromTheNodeBehindASingleSinkNameTheProxyPort() {
        try (Jedis jedis = jedis(singlePort)) {
            int redirects = 0;
            for (int i = 0; i < 30; i++) {
                try {
                    jedis.get("redirect:" + i);
                } catch (redis.clients.jedis.exceptions.JedisRedirectionException e) {
                    // the node owns a third of the slots: the other keys are redirected
                    assertThat(e.getTargetNode().getPort()).isEqualTo(singlePort);
                    redirects++;
                }
            }
            assertThat(redirects).isBetween(5, 29);
        }
    }

    private static Map<String, String> parseInfo(String info) {
        return info.lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }
}
