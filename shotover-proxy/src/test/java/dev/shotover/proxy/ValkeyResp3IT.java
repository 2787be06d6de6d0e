package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import dev.shotover.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Tuple;

/**
 * RESP3 end to end. Through {@code ValkeySinkSingle} the client's own backend connection speaks whatever the client
 * negotiated with {@code HELLO 3}: every RESP3 type (from Redis' {@code DEBUG PROTOCOL}) arrives byte for byte as
 * the server sent it, Lettuce (RESP3 by default) and Jedis (set to RESP3) run hash/set/sorted-set/double commands,
 * and client-side-caching invalidation pushes reach the client. Through {@code ValkeySinkCluster}, which speaks
 * RESP2 to the cluster, {@code HELLO 3} gets Redis' {@code NOPROTO} answer and clients carry on in RESP2.
 */
class ValkeyResp3IT {
    private static final String NOPROTO = "NOPROTO unsupported protocol version";

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;
    private static ShotoverProxy proxy;
    private static InetSocketAddress proxyAddress;
    private static RedisCluster cluster;
    private static ShotoverProxy clusterProxy;
    private static InetSocketAddress clusterProxyAddress;

    @BeforeAll
    static void start() {
        // DEBUG PROTOCOL produces every RESP3 type; Redis 7 refuses DEBUG unless enabled
        redis = RedisServer.start(FreePort.find(), "--enable-debug-command", "yes");
        proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start();
        proxyAddress = proxy.address("valkey");
        cluster = RedisCluster.start();
        clusterProxy = ShotoverProxy.builder().topologyYaml(ValkeyClusterHidingIT.topology(
                cluster.contactPoints().subList(0, 1), "")).start();
        clusterProxyAddress = clusterProxy.address("valkey");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {proxy, redis, clusterProxy, cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private static RedisClient lettuce(InetSocketAddress address) {
        return RedisClient.create(RedisURI.create("redis://" + address.getHostString() + ":" + address.getPort()));
    }

    @Test
    void everyResp3TypeArrivesByteForByte() throws Exception {
        try (RawRespClient direct = new RawRespClient(redis.address());
             RawRespClient proxied = new RawRespClient(proxyAddress)) {
            for (RawRespClient client : List.of(direct, proxied)) {
                client.send(RawRespClient.command("HELLO", "3"));
                assertThat(text(client.readReply())).contains("proto\r\n:3\r\n");
            }
            for (String type : List.of("string", "integer", "double", "bignum", "null", "array", "set", "map",
                    "attrib", "verbatim", "true", "false")) {
                direct.send(RawRespClient.command("DEBUG", "PROTOCOL", type));
                proxied.send(RawRespClient.command("DEBUG", "PROTOCOL", type));
                byte[] expected = direct.readReply();
                assertThat(text(proxied.readReply())).as(type).isEqualTo(text(expected));
            }
            // the attribute travels with its reply as one message
            direct.send(RawRespClient.command("DEBUG", "PROTOCOL", "attrib"));
            assertThat(text(direct.readReply())).startsWith("|1\r\n");

            // a push and a reply to the same request: both arrive, the push with no request to answer
            direct.send(RawRespClient.command("DEBUG", "PROTOCOL", "push"));
            proxied.send(RawRespClient.command("DEBUG", "PROTOCOL", "push"));
            Set<String> expected = Set.of(text(direct.readReply()), text(direct.readReply()));
            assertThat(expected).anyMatch(reply -> reply.startsWith(">"));
            assertThat(Set.of(text(proxied.readReply()), text(proxied.readReply()))).isEqualTo(expected);
            // and the connection still pairs replies correctly afterwards
            proxied.send(RawRespClient.command("ECHO", "after-push"));
            assertThat(text(proxied.readReply())).isEqualTo("$10\r\nafter-push\r\n");
        }
    }

    @Test
    void lettuceNegotiatesResp3ThroughTheSingleSink() {
        RedisClient client = lettuce(proxyAddress);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.clientInfo()).contains("resp=3");
            sync.del("h3", "s3", "z3", "f3");
            sync.hset("h3", Map.of("a", "1", "b", "2"));
            assertThat(sync.hgetall("h3")).isEqualTo(Map.of("a", "1", "b", "2"));
            sync.sadd("s3", "x", "y", "z");
            assertThat(sync.smembers("s3")).containsExactlyInAnyOrder("x", "y", "z");
            sync.zadd("z3", 1.5, "one");
            sync.zadd("z3", 2.25, "two");
            assertThat(sync.zscore("z3", "two")).isEqualTo(2.25);
            List<ScoredValue<String>> scored = sync.zrangeWithScores("z3", 0, -1);
            assertThat(scored).extracting(ScoredValue::getScore).containsExactly(1.5, 2.25);
            assertThat(sync.incrbyfloat("f3", 0.5)).isEqualTo(0.5);
            assertThat(sync.incrbyfloat("f3", 0.25)).isEqualTo(0.75);
            assertThat(sync.get("missing-3")).isNull();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void jedisConfiguredForResp3() {
        try (Jedis jedis = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).timeoutMillis(10_000).build())) {
            assertThat(jedis.clientInfo()).contains("resp=3");
            jedis.del("jh", "js", "jz", "jf");
            jedis.hset("jh", Map.of("f1", "v1", "f2", "v2"));
            assertThat(jedis.hgetAll("jh")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
            jedis.sadd("js", "a", "b");
            assertThat(jedis.smembers("js")).containsExactlyInAnyOrder("a", "b");
            jedis.zadd("jz", Map.of("one", 1.0, "two", 2.5));
            assertThat(jedis.zscore("jz", "two")).isEqualTo(2.5);
            assertThat(jedis.zrangeWithScores("jz", 0, -1)).extracting(Tuple::getScore).containsExactly(1.0, 2.5);
            assertThat(jedis.incrByFloat("jf", 1.25)).isEqualTo(1.25);
            // a RESP3 double straight from the server
            assertThat(jedis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.UTF_8), "PROTOCOL", "double")).isEqualTo(3.141);
        }
    }

    @Test
    void clientSideCachingInvalidationsArrive() {
        RedisClient client = lettuce(proxyAddress);
        try (StatefulRedisConnection<String, String> tracked = client.connect();
             StatefulRedisConnection<String, String> writer = client.connect()) {
            List<String> invalidated = new CopyOnWriteArrayList<>();
            tracked.addListener((PushMessage push) -> {
                if (push.getType().equals("invalidate")) {
                    for (Object keys : push.getContent().subList(1, push.getContent().size())) {
                        if (keys instanceof List<?> list) {
                            for (Object key : list) {
                                invalidated.add(StandardCharsets.UTF_8.decode(((ByteBuffer) key).duplicate())
                                        .toString());
                            }
                        }
                    }
                }
            });
            writer.sync().set("cached", "v1");
            assertThat(tracked.sync().clientTracking(TrackingArgs.Builder.enabled())).isEqualTo("OK");
            assertThat(tracked.sync().get("cached")).isEqualTo("v1");
            writer.sync().set("cached", "v2");
            // the tracked connection sends nothing more: the push must be delivered on its own
            await().atMost(Duration.ofSeconds(10)).until(() -> invalidated.contains("cached"));
            assertThat(tracked.sync().get("cached")).isEqualTo("v2");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void theClusterSinkAnswersHello3WithNoprotoAndClientsCarryOnInResp2() throws Exception {
        try (RawRespClient raw = new RawRespClient(clusterProxyAddress)) {
            raw.send(RawRespClient.command("HELLO", "3"));
            assertThat(text(raw.readReply())).isEqualTo("-" + NOPROTO + "\r\n");
            raw.send(RawRespClient.command("HELLO", "x"));
            assertThat(text(raw.readReply())).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            raw.send(RawRespClient.command("PING"));
            assertThat(text(raw.readReply())).isEqualTo("+PONG\r\n");
        }

        // Lettuce tries HELLO 3 first (its default) and falls back to RESP2 on NOPROTO
        RedisClient client = lettuce(clusterProxyAddress);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                keys.add("lettuce-cluster-" + i);
                assertThat(sync.set("lettuce-cluster-" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(sync.mget(keys.toArray(String[]::new)).stream().map(kv -> kv.getValue())
                    .collect(Collectors.toList())).hasSize(50).first().isEqualTo("v0");
            sync.hset("lettuce-cluster-h", Map.of("a", "1"));
            assertThat(sync.hgetall("lettuce-cluster-h")).isEqualTo(Map.of("a", "1"));
            assertThat(sync.zadd("lettuce-cluster-z", 1.5, "m")).isEqualTo(1);
            assertThat(sync.zscore("lettuce-cluster-z", "m")).isEqualTo(1.5);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }

        // Jedis speaks RESP2 unless told otherwise, and never sends HELLO then
        try (Jedis jedis = new Jedis(clusterProxyAddress.getHostString(), clusterProxyAddress.getPort(), 10_000)) {
            assertThat(jedis.set("jedis-cluster", "v")).isEqualTo("OK");
            assertThat(jedis.get("jedis-cluster")).isEqualTo("v");
            assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.HELLO, "3"))
                    .isInstanceOf(JedisDataException.class).hasMessage(NOPROTO);
            // still usable after the refused HELLO
            assertThat(jedis.get("jedis-cluster")).isEqualTo("v");
        }
        // Jedis told to use RESP3 has no fallback: it reports the server's refusal when connecting
        assertThatThrownBy(() -> new Jedis(clusterProxyAddress.getHostString(), clusterProxyAddress.getPort(),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build()).close())
                .hasMessageContaining(NOPROTO);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
