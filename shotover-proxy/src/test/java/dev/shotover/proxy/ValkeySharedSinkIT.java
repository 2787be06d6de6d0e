package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.TestCertificates;
import dev.shotover.testsupport.TlsRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Real clients (Jedis, Lettuce) through {@code Valkey source → ValkeySinkShared → redis-server}: every client
 * connection of an event loop shares that loop's backend connection. Checks that many concurrent clients, pipelined
 * or not, each get exactly their own answers; that commands needing connection state are refused by name while the
 * client carries on; that a client leaving with requests outstanding does not shift the pairing for the others; and
 * that a backend that stops, hangs or refuses the credentials answers every outstanding request with an error
 * while the clients stay connected, and is used again as soon as it is back.
 */
class ValkeySharedSinkIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;
    private static ShotoverProxy proxy;
    private static InetSocketAddress proxyAddress;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        proxy = ShotoverProxy.builder().topologyYaml(topology(redis.port(), "")).coreThreads(2).start();
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
        // the tests that stop, hang or misconfigure the backend make the sink warn, once per failed connection
        logs.assertNoUnexpectedWarnOrError("ValkeySinkShared: the shared connection to 127.0.0.1:",
                "TLS handshake with client");
    }

    static String topology(int redisPort, String extraFields) {
        return """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkShared:
                            name: "valkey-shared"
                            remote_address: "127.0.0.1:%d"
                            connect_timeout_ms: 3000
                %s""".formatted(redisPort, extraFields.indent(12));
    }

    private static Jedis jedis(InetSocketAddress address) {
        return new Jedis(address.getHostString(), address.getPort(), 20_000);
    }

    /** The standard suite minus MULTI/EXEC, which the shared sink refuses (see {@link #refusedCommands}). */
    @TestFactory
    Stream<DynamicTest> standardSuiteWithJedis() {
        return ValkeyStandardSuite.jedis(proxyAddress).filter(test -> !test.getDisplayName().equals("MULTI/EXEC"));
    }

    /** Lettuce asks for RESP3 with HELLO 3, gets NOPROTO and runs the suite in RESP2. */
    @TestFactory
    Stream<DynamicTest> standardSuiteWithLettuce() {
        return ValkeyStandardSuite.lettuce(proxyAddress).filter(test -> !test.getDisplayName().equals("MULTI/EXEC"));
    }

    @Test
    void manyConcurrentClientsEachGetTheirOwnAnswersOverAFewSharedConnections() throws Exception {
        RedisServer own = RedisServer.start(FreePort.find());
        try (Jedis direct = jedis(own.address())) {
            ShotoverProxy twoLoops = ShotoverProxy.builder().topologyYaml(topology(own.port(), ""))
                    .coreThreads(2).start();
            try {
                InetSocketAddress address = twoLoops.address("valkey");
                // six verifying loads (a Jedis client one command at a time, a Lettuce client pipelining windows of
                // 16 SET/GET pairs) on disjoint keys, and 24 Jedis clients pipelining their own counters, all at once
                List<VerifyingValkeyLoad> loads = new ArrayList<>();
                for (int l = 0; l < 6; l++) {
                    List<String> jedisKeys = new ArrayList<>();
                    List<String> lettuceKeys = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                        jedisKeys.add("load" + l + ":j" + k);
                        lettuceKeys.add("load" + l + ":l" + k);
                    }
                    loads.add(VerifyingValkeyLoad.start(address, jedisKeys, lettuceKeys));
                }
                ExecutorService pool = Executors.newFixedThreadPool(24);
                try {
                    List<Future<Long>> counters = new ArrayList<>();
                    for (int c = 0; c < 24; c++) {
                        counters.add(pool.submit(ownCounters(address, c)));
                    }
                    for (Future<Long> counter : counters) {
                        assertThat(counter.get(120, TimeUnit.SECONDS)).isEqualTo(200L * 50);
                    }
                } finally {
                    pool.shutdownNow();
                }
                for (VerifyingValkeyLoad load : loads) {
                    VerifyingValkeyLoad.Outcome outcome = load.stop();
                    assertThat(outcome.crashes()).as("%s", outcome).isEmpty();
                    assertThat(outcome.wrongAnswers()).as("%s", outcome).isEmpty();
                    assertThat(outcome.errorCount()).as("%s", outcome).isZero();
                    assertThat(outcome.operations()).as("%s", outcome).isGreaterThan(100);
                }
                // 36 client connections were served by one backend connection per event loop
                assertThat(otherClients(direct)).hasSizeBetween(1, 2);
            } finally {
                twoLoops.close();
            }
            // and the proxy closed them when it stopped
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!otherClients(direct).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(otherClients(direct)).isEmpty();
        } finally {
            own.close();
        }
    }

    /** The server's clients except the connection asking. */
    private static List<String> otherClients(Jedis direct) {
        return direct.clientList().lines().filter(line -> !line.contains("cmd=client")).toList();
    }

    /** 200 pipelines of 50 INCRs of the client's own counters; each reply must be the next value of its counter. */
    private static Callable<Long> ownCounters(InetSocketAddress address, int id) {
        return () -> {
            long checked = 0;
            try (Jedis client = jedis(address)) {
                for (int round = 0; round < 200; round++) {
                    Pipeline pipeline = client.pipelined();
                    List<Response<Long>> replies = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        replies.add(pipeline.incr("counter:" + id + ":" + (i % 5)));
                    }
                    pipeline.sync();
                    for (int i = 0; i < 50; i++) {
                        long expected = (long) round * 10 + i / 5 + 1;
                        assertThat(replies.get(i).get()).as("client %d, round %d, request %d", id, round, i)
                                .isEqualTo(expected);
                        checked++;
                    }
                }
            }
            return checked;
        };
    }

    @Test
    void refusedCommands() {
        try (Jedis client = jedis(proxyAddress)) {
            client.set("k", "v");
            assertRefused(() -> client.select(1), "SELECT");
            assertThat(client.select(0)).isEqualTo("OK");
            assertRefused(() -> client.auth("secret"), "AUTH");
            assertRefused(() -> client.sendCommand(Protocol.Command.MULTI), "MULTI");
            assertRefused(() -> client.watch("k"), "WATCH");
            assertRefused(() -> client.blpop(1, "list"), "BLPOP");
            assertRefused(() -> client.sendCommand(Protocol.Command.SUBSCRIBE, "channel"), "SUBSCRIBE");
            assertRefused(() -> client.sendCommand(Protocol.Command.MONITOR), "MONITOR");
            assertRefused(() -> client.sendCommand(Protocol.Command.CLIENT, "ID"), "CLIENT ID");
            assertRefused(() -> client.sendCommand(Protocol.Command.XREAD, "BLOCK", "100", "STREAMS", "s", "$"),
                    "XREAD BLOCK");
            assertRefused(() -> client.sendCommand(Protocol.Command.WAIT, "1", "100"), "WAIT");
            // the connection is still usable, and still in database 0
            assertThat(client.get("k")).isEqualTo("v");
        }
        RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost(proxyAddress.getHostString())
                .withPort(proxyAddress.getPort()).withClientName("lettuce-client").build());
        try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.clientGetname()).isEqualTo("lettuce-client");
            assertThatThrownBy(sync::multi).isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessageStartingWith("ERR Shotover ValkeySinkShared does not support MULTI: ");
            assertThat(sync.get("k")).isEqualTo("v");
        } finally {
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void assertRefused(Runnable command, String name) {
        assertThatThrownBy(command::run).isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("ERR Shotover ValkeySinkShared does not support " + name + ": ");
    }

    @Test
    void quitIsAnsweredAndClosesOnlyThatClient() throws Exception {
        try (RawRespClient raw = new RawRespClient(proxyAddress); Jedis other = jedis(proxyAddress)) {
            raw.send(RawRespClient.command("SET", "quit-key", "1") + RawRespClient.command("QUIT"));
            assertThat(new String(raw.readReply(), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            assertThat(new String(raw.readReply(), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            assertThat(raw.isClosedByPeer()).isTrue();
            assertThat(other.get("quit-key")).isEqualTo("1");
        }
    }

    @Test
    void aClientLeavingWithRequestsOutstandingDoesNotShiftThePairingForTheOthers() throws Exception {
        // one event loop, so that both clients share the one backend connection for certain
        try (ShotoverProxy single = ShotoverProxy.builder().topologyYaml(topology(redis.port(), ""))
                .coreThreads(1).start()) {
            InetSocketAddress address = single.address("valkey");
            try (Jedis staying = jedis(address)) {
                staying.set("stay", "mine");
                for (int round = 0; round < 20; round++) {
                    try (RawRespClient leaving = new RawRespClient(address)) {
                        StringBuilder burst = new StringBuilder();
                        for (int i = 0; i < 2000; i++) {
                            burst.append(RawRespClient.command("SET", "leave:" + i, "value-" + round));
                        }
                        leaving.send(burst.toString());
                    }
                    // the leaving client's replies are still arriving while this one's requests queue behind them
                    for (int i = 0; i < 20; i++) {
                        assertThat(staying.get("stay")).isEqualTo("mine");
                        assertThat(staying.incr("stay-count")).isEqualTo(round * 20L + i + 1);
                    }
                }
            }
        }
    }

    @Test
    void aBackendThatStopsAnswersOutstandingRequestsWithErrorsAndIsUsedAgainOnceBack() throws Exception {
        RedisServer own = RedisServer.start(FreePort.find());
        try (ShotoverProxy single = ShotoverProxy.builder().topologyYaml(topology(own.port(), ""))
                .coreThreads(1).start();
             Jedis a = jedis(single.address("valkey"));
             Jedis b = jedis(single.address("valkey"))) {
            assertThat(a.set("x", "1")).isEqualTo("OK");
            assertThat(b.get("x")).isEqualTo("1");

            own.stop();
            assertThatThrownBy(() -> a.get("x")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("ERR Shotover ValkeySinkShared: ")
                    .hasMessageContaining("127.0.0.1:" + own.port());
            assertThatThrownBy(() -> b.get("x")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR Shotover ValkeySinkShared: Failed to connect to destination 127.0.0.1:"
                            + own.port() + ": Connection refused");
            // one WARN for the connection that was lost, none for the reconnect that failed right after
            assertThat(logs.warnAndErrorMessages())
                    .filteredOn(message -> message.contains("shared connection to 127.0.0.1:" + own.port()))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("are answered with: ERR Shotover ValkeySinkShared: ");

            own.restart();
            // the same client connections, a new backend connection (the restarted server starts empty)
            assertThat(a.set("x", "2")).isEqualTo("OK");
            assertThat(b.get("x")).isEqualTo("2");
        } finally {
            own.close();
        }
    }

    @Test
    void aReadTimeoutAnswersEveryClientsOutstandingRequestWithTheTimeout() throws Exception {
        RedisServer own = RedisServer.start(FreePort.find(), "--enable-debug-command", "yes");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ShotoverProxy single = ShotoverProxy.builder()
                .topologyYaml(topology(own.port(), "read_timeout: 1")).coreThreads(1).start();
             Jedis sleeper = jedis(single.address("valkey"));
             Jedis waiter = jedis(single.address("valkey"))) {
            assertThat(waiter.set("w", "v")).isEqualTo("OK");
            long sleepStart = System.nanoTime();
            Future<Object> sleep = pool.submit(() -> sleeper.sendCommand(
                    () -> "DEBUG".getBytes(StandardCharsets.UTF_8), "SLEEP", "3"));
            Thread.sleep(200);
            // queued behind the sleep on the shared connection
            Future<String> get = pool.submit(() -> waiter.get("w"));
            String timeout = "ERR Shotover ValkeySinkShared: Timed out after 1s waiting for a response from"
                    + " destination 127.0.0.1:" + own.port();
            assertThat(causeOf(sleep)).isInstanceOf(JedisDataException.class).hasMessage(timeout);
            assertThat(causeOf(get)).isInstanceOf(JedisDataException.class).hasMessage(timeout);
            // both clients carry on over a new backend connection, once the server has woken up
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(sleepStart + TimeUnit.MILLISECONDS.toNanos(3500)
                    - System.nanoTime())));
            assertThat(waiter.get("w")).isEqualTo("v");
            assertThat(sleeper.ping()).isEqualTo("PONG");
        } finally {
            pool.shutdownNow();
            own.close();
        }
    }

    private static Throwable causeOf(Future<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void theSinkAuthenticatesItsSharedConnections() {
        RedisServer secured = RedisServer.start(FreePort.find(), "--requirepass", "s3cret");
        try (ShotoverProxy right = ShotoverProxy.builder()
                .topologyYaml(topology(secured.port(), "password: \"s3cret\"")).start();
             ShotoverProxy wrong = ShotoverProxy.builder()
                     .topologyYaml(topology(secured.port(), "username: \"default\"\npassword: \"nope\"")).start();
             Jedis good = jedis(right.address("valkey"));
             Jedis bad = jedis(wrong.address("valkey"))) {
            assertThat(good.set("a", "1")).isEqualTo("OK");
            assertThat(good.get("a")).isEqualTo("1");
            assertThatThrownBy(() -> bad.get("a")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("ERR Shotover ValkeySinkShared: Authentication to destination 127.0.0.1:"
                            + secured.port() + " failed: WRONGPASS");
        } finally {
            secured.close();
        }
    }

    @Test
    void tlsToTheBackendAndAFailedHandshakeAnsweredWithoutClosingTheClient() {
        TestCertificates certs = TestCertificates.generate();
        try (TlsRedisServer tls = TlsRedisServer.start(certs, false);
             TlsRedisServer mtls = TlsRedisServer.start(certs, true)) {
            String trust = "tls:\n  certificate_authority_path: \"" + certs.caCertificate() + "\"";
            try (ShotoverProxy good = ShotoverProxy.builder()
                         .topologyYaml(topology(tls.tlsPort(), trust)).start();
                 ShotoverProxy refused = ShotoverProxy.builder()
                         .topologyYaml(topology(mtls.tlsPort(), trust)).start();
                 Jedis overTls = jedis(good.address("valkey"));
                 Jedis withoutCertificate = jedis(refused.address("valkey"))) {
                assertThat(overTls.set("tls", "yes")).isEqualTo("OK");
                assertThat(overTls.get("tls")).isEqualTo("yes");
                assertThatThrownBy(withoutCertificate::ping).isInstanceOf(JedisDataException.class)
                        .hasMessage("ERR Shotover ValkeySinkShared: Failed to connect to destination "
                                + mtls.tlsAddress() + ": TLS handshake failed: Received fatal alert:"
                                + " certificate_required");
                // still connected: the next request tries again, and fails the same way
                assertThatThrownBy(withoutCertificate::ping).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("certificate_required");
            }
        }
    }

    @Test
    void errorRepliesAndRefusalsAreCountedAsFailedRequests() {
        try (ShotoverProxy counted = ShotoverProxy.builder().topologyYaml(topology(redis.port(), "")).start();
             Jedis client = jedis(counted.address("valkey"))) {
            client.set("m", "1");
            assertThatThrownBy(() -> client.sendCommand(() -> "NOSUCHCOMMAND".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(JedisDataException.class);
            assertThatThrownBy(() -> client.select(3)).isInstanceOf(JedisDataException.class);
            String scrape = counted.metrics().scrape();
            assertThat(scrape).contains(
                    "shotover_failed_requests_count{chain=\"valkey\",transform=\"ValkeySinkShared\"} 2");
        }
    }
}
