package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Real clients (Jedis, Lettuce) through {@code Valkey source → ValkeySinkSingle → redis-server}: Shotover's
 * {@code passthrough_standard} suite, plus large values, binary keys, many connections and byte-identical responses.
 */
class ValkeyPassthroughIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;
    private static ShotoverProxy proxy;
    private static InetSocketAddress proxyAddress;
    private Jedis jedis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start();
        proxyAddress = proxy.address("valkey");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000);
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    @Test
    void strings() {
        assertThat(jedis.set("foo", "bar")).isEqualTo("OK");
        assertThat(jedis.get("foo")).isEqualTo("bar");
        assertThat(jedis.get("missing")).isNull();
        assertThat(jedis.incr("counter")).isEqualTo(1);
        assertThat(jedis.incrBy("counter", 41)).isEqualTo(42);
        assertThat(jedis.append("foo", "baz")).isEqualTo(6);
        assertThat(jedis.strlen("foo")).isEqualTo(6);
        assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
        assertThat(jedis.mget("a", "b", "missing")).containsExactly("1", "2", null);
        assertThat(jedis.del("a", "b", "missing")).isEqualTo(2);
        assertThatThrownBy(() -> jedis.incr("foo")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("not an integer");
    }

    @Test
    void hashesListsSetsAndSortedSets() {
        jedis.hset("h", Map.of("f1", "v1", "f2", "v2"));
        assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        assertThat(jedis.hget("h", "f1")).isEqualTo("v1");
        assertThat(jedis.hdel("h", "f1")).isEqualTo(1);

        jedis.rpush("l", "a", "b", "c");
        assertThat(jedis.lrange("l", 0, -1)).containsExactly("a", "b", "c");
        assertThat(jedis.lpop("l")).isEqualTo("a");
        assertThat(jedis.llen("l")).isEqualTo(2);

        jedis.sadd("s", "x", "y", "z");
        assertThat(jedis.smembers("s")).containsExactlyInAnyOrder("x", "y", "z");
        assertThat(jedis.sismember("s", "y")).isTrue();

        jedis.zadd("z", Map.of("one", 1.0, "two", 2.0, "three", 3.0));
        assertThat(jedis.zrange("z", 0, -1)).containsExactly("one", "two", "three");
        List<Tuple> withScores = jedis.zrangeWithScores("z", 0, 0);
        assertThat(withScores.get(0).getScore()).isEqualTo(1.0);
        assertThat(jedis.zscore("z", "two")).isEqualTo(2.0);
    }

    @Test
    void expiry() throws InterruptedException {
        jedis.setex("short", 1, "v");
        assertThat(jedis.ttl("short")).isBetween(0L, 1L);
        jedis.psetex("shorter", 100, "v");
        Thread.sleep(300);
        assertThat(jedis.exists("shorter")).isFalse();
        jedis.set("p", "v");
        assertThat(jedis.expire("p", 100)).isEqualTo(1);
        assertThat(jedis.ttl("p")).isBetween(90L, 100L);
        assertThat(jedis.persist("p")).isEqualTo(1);
        assertThat(jedis.ttl("p")).isEqualTo(-1);
    }

    @Test
    void pipelineOfAThousandCommands() {
        Pipeline pipeline = jedis.pipelined();
        List<Response<String>> sets = new ArrayList<>();
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sets.add(pipeline.set("key" + i, "value" + i));
            gets.add(pipeline.get("key" + i));
        }
        pipeline.sync();
        for (int i = 0; i < 500; i++) {
            assertThat(sets.get(i).get()).isEqualTo("OK");
            assertThat(gets.get(i).get()).isEqualTo("value" + i);
        }
    }

    @Test
    void multiExecAndWatch() {
        Transaction tx = jedis.multi();
        tx.set("t1", "a");
        tx.incr("t2");
        tx.get("t1");
        List<Object> results = tx.exec();
        assertThat(results).containsExactly("OK", 1L, "a");

        // a WATCHed key changed by another connection makes EXEC return the null array
        jedis.watch("t1");
        try (Jedis other = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort())) {
            other.set("t1", "changed");
        }
        Transaction aborted = jedis.multi();
        aborted.set("t1", "mine");
        assertThat(aborted.exec()).isNull();
        assertThat(jedis.get("t1")).isEqualTo("changed");
    }

    @Test
    void luaScripts() {
        Object result = jedis.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                List.of("lua-key"), List.of("lua-value"));
        assertThat(result).isEqualTo("lua-value");
        String sha = jedis.scriptLoad("return {1, 2, 'three'}");
        assertThat(jedis.evalsha(sha)).isEqualTo(List.of(1L, 2L, "three"));
        assertThatThrownBy(() -> jedis.eval("return redis.call('nosuchcommand')"))
                .isInstanceOf(JedisDataException.class);
    }

    @Test
    void scanVisitsEveryKey() {
        for (int i = 0; i < 250; i++) {
            jedis.set("scan:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match("scan:*").count(20);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            seen.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(seen).hasSize(250);
    }

    @Test
    void tenMegabyteValue() {
        byte[] value = new byte[10 * 1024 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        byte[] key = "big".getBytes(StandardCharsets.UTF_8);
        assertThat(jedis.set(key, value)).isEqualTo("OK");
        assertThat(jedis.get(key)).isEqualTo(value);
    }

    @Test
    void binarySafeKeysAndValues() {
        byte[] key = {0, '\r', '\n', (byte) 0xff, '$', '*', 0};
        byte[] value = {'\r', '\n', 0, (byte) 0x80, '-', '+'};
        jedis.set(key, value);
        assertThat(jedis.get(key)).isEqualTo(value);
        assertThat(jedis.exists(key)).isTrue();
    }

    @Test
    void pingEchoInfoAndClientName() {
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(jedis.echo("hello")).isEqualTo("hello");
        assertThat(jedis.info("server")).contains("redis_version");
        jedis.clientSetname("it-client");
        assertThat(jedis.clientGetname()).isEqualTo("it-client");
        assertThat(jedis.time()).hasSize(2);
    }

    @Test
    void unknownCommandErrorsPassThrough() {
        assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCHCOMMAND".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JedisDataException.class).hasMessageContaining("unknown command");
        assertThat(jedis.ping()).isEqualTo("PONG");
    }

    @Test
    void twoHundredConcurrentConnections() throws Exception {
        int clients = 200;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    try (Jedis client = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000)) {
                        for (int i = 0; i < 20; i++) {
                            String key = "conn:" + id + ":" + i;
                            client.set(key, key);
                            if (!key.equals(client.get(key))) {
                                return false;
                            }
                        }
                        return true;
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jedis.dbSize()).isEqualTo(clients * 20L);
    }

    @Test
    void redisCliPipeMassInsertion() throws Exception {
        // redis-cli --pipe streams while reading replies and ends with "\r\n" plus an ECHO marker
        StringBuilder commands = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            commands.append(RawRespClient.command("SET", "pipe:" + i, "value:" + i));
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("pipe", ".resp");
        java.nio.file.Files.writeString(file, commands);
        Process cli = new ProcessBuilder("redis-cli", "-h", proxyAddress.getHostString(),
                "-p", String.valueOf(proxyAddress.getPort()), "--pipe")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("errors: 0, replies: 50000");
        assertThat(cli.exitValue()).isZero();
        assertThat(jedis.get("pipe:49999")).isEqualTo("value:49999");
        java.nio.file.Files.delete(file);
    }

    @Test
    void lettuceWithResp3AndAsyncPipelining() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + proxyAddress.getHostString() + ":"
                + proxyAddress.getPort()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            // Lettuce negotiates RESP3 with HELLO 3 on connect; the proxy passed it through, so the server speaks RESP3
            assertThat(sync.clientInfo()).contains("resp=3");
            assertThat(sync.set("lettuce", "works")).isEqualTo("OK");
            assertThat(sync.get("lettuce")).isEqualTo("works");
            sync.hset("lh", Map.of("a", "1", "b", "2"));
            assertThat(sync.hgetall("lh")).isEqualTo(Map.of("a", "1", "b", "2"));

            RedisAsyncCommands<String, String> async = connection.async();
            connection.setAutoFlushCommands(false);
            List<RedisFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                async.set("async" + i, "v" + i);
                futures.add(async.get("async" + i));
            }
            connection.flushCommands();
            connection.setAutoFlushCommands(true);
            for (int i = 0; i < 1000; i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
