package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Real clients (Jedis, Lettuce) through {@code Valkey source → ValkeySinkSingle → redis-server}: the standard suite
 * after Shotover's {@code passthrough_standard} ({@link ValkeyStandardSuite}, shared with cluster hiding), plus
 * WATCH, many connections, {@code redis-cli --pipe} and RESP3 negotiation.
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

    @TestFactory
    Stream<DynamicTest> standardSuiteWithJedis() {
        return ValkeyStandardSuite.jedis(proxyAddress);
    }

    /** Lettuce negotiates RESP3 here: the suite then runs in RESP3 end to end. */
    @TestFactory
    Stream<DynamicTest> standardSuiteWithLettuce() {
        return ValkeyStandardSuite.lettuce(proxyAddress);
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
