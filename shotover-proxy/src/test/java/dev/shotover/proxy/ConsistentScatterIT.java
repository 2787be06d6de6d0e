package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code ConsistentScatter} over three real redis-servers, each route a {@code RedisTimestampTagger} in front of a
 * {@code ValkeySinkSingle}, with {@code write_consistency: 2} and {@code read_consistency: 2}: a read returns the
 * newest value although one server missed the write and holds a larger stale value, one server down still
 * succeeds, two down fail with an error counting the successes, a slow server does not delay answers, and route
 * problems are reported under the route's name. Also the tagger alone: invisible to clients, timestamps in
 * companion keys that follow their key's TTL and outlive a delete.
 */
class ConsistentScatterIT {
    private static final String ROUTE_WARNING = "ConsistentScatter \"cs\" route ";
    private static final String STALE = "the old value, which is longer than the new one";

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private RedisServer a;
    private RedisServer b;
    private RedisServer c;

    @BeforeEach
    void startServers() {
        a = RedisServer.start();
        b = RedisServer.start();
        c = RedisServer.start();
    }

    @AfterEach
    void stopServers() {
        for (RedisServer server : new RedisServer[] {a, b, c}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private ShotoverProxy scatterProxy() {
        return ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ConsistentScatter:
                            name: "cs"
                            write_consistency: 2
                            read_consistency: 2
                            route_map:
                              a:
                                - RedisTimestampTagger:
                                    name: "tag-a"
                                - ValkeySinkSingle:
                                    name: "sink-a"
                                    remote_address: "127.0.0.1:%d"
                              b:
                                - RedisTimestampTagger:
                                    name: "tag-b"
                                - ValkeySinkSingle:
                                    name: "sink-b"
                                    remote_address: "127.0.0.1:%d"
                              c:
                                - ValkeyTimestampTagger:
                                    name: "tag-c"
                                - ValkeySinkSingle:
                                    name: "sink-c"
                                    remote_address: "127.0.0.1:%d"
                """.formatted(a.port(), b.port(), c.port())).start();
    }

    /** A Jedis client that sends nothing of its own (no CLIENT SETINFO), so every request is the test's. */
    private static Jedis client(InetSocketAddress address) {
        return new Jedis(new HostAndPort(address.getHostString(), address.getPort()), DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).socketTimeoutMillis(10_000).build());
    }

    private static Jedis direct(RedisServer server) {
        return new Jedis(server.host(), server.port(), 10_000);
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void readsReturnTheNewestValueAfterOneServerMissedAWrite() throws Exception {
        try (ShotoverProxy proxy = scatterProxy();
             Jedis jedis = client(proxy.address("valkey"));
             Jedis directB = direct(b);
             Jedis directC = direct(c)) {
            assertThat(jedis.set("k", STALE)).isEqualTo("OK");
            // two answers were enough; the third server gets the write too, a moment later
            await("c has the first value", () -> STALE.equals(directC.get("k")));

            // c refuses writes (OOM) but still serves reads: it misses the next write
            directC.configSet("maxmemory", "1");
            assertThat(jedis.set("k", "new")).isEqualTo("OK");
            directC.configSet("maxmemory", "0");
            assertThat(directC.get("k")).isEqualTo(STALE);
            assertThat(directB.get("k")).isEqualTo("new");
            long newStamp = Long.parseLong(directB.get("__shotover_ts__:{k}"));
            assertThat(Long.parseLong(directC.get("__shotover_ts__:{k}"))).isLessThan(newStamp);

            // with a down, every read must use c's stale (and larger) answer next to b's: the timestamp decides
            a.stop();
            for (int i = 0; i < 20; i++) {
                assertThat(jedis.get("k")).isEqualTo("new");
            }
            // the other data types and a missing key resolve the same way
            assertThat(jedis.hset("h", Map.of("f", "1"))).isEqualTo(1);
            assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("f", "1"));
            assertThat(jedis.get("missing")).isNull();
            // nothing c answered carried the timestamp attribute to the client: Jedis speaks RESP2 and parsed it all
        }
        logs.assertNoUnexpectedWarnOrError(ROUTE_WARNING);
    }

    @Test
    void oneServerDownStillSucceedsAndTwoDownFailWithAnErrorCountingTheSuccesses() {
        try (ShotoverProxy proxy = scatterProxy();
             Jedis jedis = client(proxy.address("valkey"))) {
            assertThat(jedis.set("before", "1")).isEqualTo("OK");

            c.stop();
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < 50; i++) {
                pipeline.set("p" + i, "v" + i);
                pipeline.get("p" + i);
            }
            List<Object> replies = pipeline.syncAndReturnAll();
            for (int i = 0; i < 50; i++) {
                assertThat(replies.get(2 * i)).isEqualTo("OK");
                assertThat(replies.get(2 * i + 1)).isEqualTo("v" + i);
            }

            b.stop();
            // decided as soon as two routes failed: a may or may not have answered by then
            String notEnough = "ERR ConsistentScatter named \"cs\" in chain valkey: not enough successful responses "
                    + "for this %s: [01] of the 2 required \\(3 routes\\)\\. (a has not answered yet; )?b failed: "
                    + "Transform RedisTimestampTagger named tag-b failed in chain b: .*127\\.0\\.0\\.1:%d.*; c failed: "
                    + "Transform RedisTimestampTagger named tag-c failed in chain c: .*127\\.0\\.0\\.1:%d.*";
            assertThatThrownBy(() -> jedis.set("k", "w")).isInstanceOf(JedisDataException.class)
                    .hasMessageMatching(notEnough.formatted("write", b.port(), c.port()));
            assertThatThrownBy(() -> jedis.get("k")).isInstanceOf(JedisDataException.class)
                    .hasMessageMatching(notEnough.formatted("read", b.port(), c.port()));

            // the client connection stayed open; a server that comes back is connected to again (empty: no persistence)
            b.restart();
            assertThat(jedis.set("k", "back")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("back");
            try (Jedis directB = direct(b)) {
                assertThat(directB.get("k")).isEqualTo("back");
            }
        }
        logs.assertNoUnexpectedWarnOrError(ROUTE_WARNING);
    }

    @Test
    void aSlowServerDoesNotDelayAnswersAndStillGetsTheWrite() throws Exception {
        try (ShotoverProxy proxy = scatterProxy();
             Jedis jedis = client(proxy.address("valkey"));
             Jedis directC = direct(c)) {
            assertThat(jedis.set("warm-up", "1")).isEqualTo("OK");
            // c holds every write (scripts included) for 3 s
            directC.clientPause(3000, redis.clients.jedis.args.ClientPauseMode.WRITE);
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                assertThat(jedis.set("slow" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
            assertThat(directC.get("slow0")).isNull();
            await("c applied the writes after its pause", () -> "v4".equals(directC.get("slow4")));
        }
        // c's late responses were released: a leak would be reported as an ERROR here
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void aResp3ClientGetsPlainRepliesWithoutTheTimestampAttribute() throws Exception {
        try (ShotoverProxy proxy = scatterProxy();
             RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            client.send(command("HELLO", "3"));
            assertThat(reply(client)).startsWith("%");
            client.send(command("SET", "k", "v") + command("GET", "k") + command("GET", "missing"));
            assertThat(reply(client)).isEqualTo("+OK\r\n");
            assertThat(reply(client)).isEqualTo("$1\r\nv\r\n");
            // the script's nil comes back in the client's protocol: RESP3's null
            assertThat(reply(client)).isEqualTo("_\r\n");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private static String reply(RawRespClient client) throws java.io.IOException {
        return new String(client.readReply(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void routeProblemsAreReportedUnderTheRoutesName() {
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ConsistentScatter:
                            name: "cs"
                            write_consistency: 4
                            read_consistency: 1
                            route_map:
                              a:
                                - NullSink
                              b: []
                              c:
                                - RedisTimestampTagger:
                                    name: "tag-c"
                """).build())
                .hasMessage(String.join("\n",
                        "Topology errors",
                        "valkey source:",
                        "  valkey chain:",
                        "    ConsistentScatter write_consistency must be between 1 and the number of routes (3) but "
                                + "was 4",
                        "    ConsistentScatter:",
                        "      b chain:",
                        "        Chain cannot be empty",
                        "      c chain:",
                        "        Non-terminating Transform RedisTimestampTagger named \"tag-c\" is last in chain. Last "
                                + "Transform must be terminating."));
        // route names are map keys: a repeated one is refused while binding, naming the route
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ConsistentScatter:
                            write_consistency: 1
                            read_consistency: 1
                            route_map:
                              a:
                                - NullSink
                              a:
                                - NullSink
                """).build())
                .hasMessageContaining("duplicate key 'a'");
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void theTaggerAloneIsInvisibleToClientsAndKeepsTimestampsInCompanionKeys() {
        try (ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - RedisTimestampTagger
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:%d"
                """.formatted(a.port())).start();
             Jedis jedis = client(proxy.address("valkey"));
             Jedis server = direct(a)) {
            long before = System.currentTimeMillis() * 1000;
            assertThat(jedis.setex("k", 100, "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(jedis.incr("n")).isEqualTo(1);
            assertThat(jedis.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            long hashStamp = Long.parseLong(server.get("__shotover_ts__:{h}"));
            assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(jedis.lpush("l", "x", "y")).isEqualTo(2);
            assertThat(jedis.lrange("l", 0, -1)).containsExactly("y", "x");
            assertThat(jedis.get("missing")).isNull();
            assertThatThrownBy(() -> jedis.incr("h")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("WRONGTYPE");
            // a failed write stores no timestamp
            assertThat(Long.parseLong(server.get("__shotover_ts__:{h}"))).isEqualTo(hashStamp);
            // untagged commands still work: several keys at once, key-less, transactions
            assertThat(jedis.mget("k", "missing")).containsExactly("v", null);
            assertThat(jedis.ping()).isEqualTo("PONG");

            long stamp = Long.parseLong(server.get("__shotover_ts__:{k}"));
            assertThat(stamp).isBetween(before, System.currentTimeMillis() * 1000 + 1000);
            // the companion expires with its key
            assertThat(server.ttl("__shotover_ts__:{k}")).isBetween(90L, 100L);
            assertThat(server.ttl("__shotover_ts__:{n}")).isEqualTo(-1L);

            assertThat(jedis.del("k", "h")).isEqualTo(2);
            // the companions stay behind as tombstones, newer than the deleted values
            assertThat(Long.parseLong(server.get("__shotover_ts__:{h}"))).isGreaterThan(hashStamp);
            assertThat(server.ttl("__shotover_ts__:{k}")).isEqualTo(-1L);
            assertThat(server.exists("k", "h")).isZero();
        }
        logs.assertNoUnexpectedWarnOrError();
    }
}
