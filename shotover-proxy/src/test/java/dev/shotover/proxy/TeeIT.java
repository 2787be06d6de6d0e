package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.chain.TopologyException;
import dev.shotover.runtime.cli.ShotoverMain;
import dev.shotover.runtime.config.ConfigException;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code Tee} against real redis-servers and DebugReturners: the four behaviours with matching and mismatching
 * tee chains, the result-source HTTP switch shared by connections, a tee chain that never answers (the main chain
 * is not slowed, drops are counted), timeouts, and the nested validation report for bad sub-chains.
 */
class TeeIT {
    private static final String FAIL_TEXT =
            "ERR The responses from the Tee subchain and down-chain did not match and behavior is set to fail on mismatch";

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private static String topology(String chain) {
        return """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                %s
                """.formatted(chain.indent(8).stripTrailing());
    }

    private static ShotoverProxy proxy(String chain) {
        return ShotoverProxy.builder().topologyYaml(topology(chain)).start();
    }

    /** A Jedis client that sends nothing of its own (no CLIENT SETINFO), so every request is the test's. */
    private static Jedis client(InetSocketAddress address) {
        return new Jedis(new HostAndPort(address.getHostString(), address.getPort()), DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).socketTimeoutMillis(10_000).build());
    }

    private static Jedis direct(RedisServer server) {
        return new Jedis(server.host(), server.port(), 10_000);
    }

    private static String reply(RawRespClient client) throws IOException {
        return new String(client.readReply(), StandardCharsets.UTF_8);
    }

    private List<String> teeMismatchWarnings() {
        return logs.events().stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("Tee mismatch:"))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static long dropped(ShotoverProxy proxy) {
        return (long) proxy.metrics().counter("shotover_tee_dropped_messages_count", "chain", "Tee").count();
    }

    // ---- the behaviours × matching / mismatching tee chains (Shotover's tee.rs tests) ----

    @ParameterizedTest(name = "{0}, tee chain answers {1}")
    @CsvSource({"Ignore, 42", "Ignore, 41", "FailOnMismatch, 42", "FailOnMismatch, 41",
            "LogWarningOnMismatch, 42", "LogWarningOnMismatch, 41"})
    void behaviourWithDebugReturners(String behavior, String teeAnswer) throws Exception {
        boolean mismatch = !teeAnswer.equals("42");
        try (ShotoverProxy proxy = proxy("""
                - Tee:
                    behavior: %s
                    chain:
                      - DebugReturner:
                          Valkey: "%s"
                - DebugReturner:
                    Valkey: "42"
                """.formatted(behavior, teeAnswer));
             RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            String expected = behavior.equals("FailOnMismatch") && mismatch ? "-" + FAIL_TEXT + "\r\n" : "$2\r\n42\r\n";
            for (int i = 0; i < 10; i++) {
                client.send(command("GET", "key" + i));
                assertThat(reply(client)).isEqualTo(expected);
            }
            // a pipelined batch: every reply paired with its own request
            client.send(command("SET", "a", "1") + command("GET", "a") + command("DEL", "a"));
            for (int i = 0; i < 3; i++) {
                assertThat(reply(client)).isEqualTo(expected);
            }
        }
        if (behavior.equals("LogWarningOnMismatch") && mismatch) {
            assertThat(teeMismatchWarnings()).hasSize(13).containsOnly(
                    "Tee mismatch:\nresult-source response: BulkString[42]\nother response: BulkString[41]");
            logs.assertNoUnexpectedWarnOrError("Tee mismatch:");
        } else {
            logs.assertNoUnexpectedWarnOrError();
        }
    }

    @ParameterizedTest(name = "tee chain answers {0}")
    @ValueSource(strings = {"42", "41"})
    void subchainOnMismatchWritesTheMismatchingRequestsToAThirdRedis(String teeAnswer) {
        try (RedisServer mismatches = RedisServer.start();
             ShotoverProxy proxy = proxy("""
                     - Tee:
                         behavior:
                           SubchainOnMismatch:
                             - ValkeySinkSingle:
                                 name: "mismatch-sink"
                                 remote_address: "127.0.0.1:%d"
                         chain:
                           - DebugReturner:
                               Valkey: "%s"
                     - DebugReturner:
                         Valkey: "42"
                     """.formatted(mismatches.port(), teeAnswer));
             Jedis jedis = client(proxy.address("valkey"));
             Jedis third = direct(mismatches)) {
            for (int i = 0; i < 5; i++) {
                assertThat(jedis.set("key" + i, "value" + i)).isEqualTo("42");
            }
            if (teeAnswer.equals("41")) {
                // fire-and-forget: the writes land shortly after the client got its answers
                awaitTrue(() -> third.dbSize() == 5);
                for (int i = 0; i < 5; i++) {
                    assertThat(third.get("key" + i)).isEqualTo("value" + i);
                }
            } else {
                sleep(300);
                assertThat(third.dbSize()).isZero();
            }
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void realServersWithDifferentData() throws Exception {
        try (RedisServer main = RedisServer.start();
             RedisServer teeServer = RedisServer.start();
             RedisServer mismatches = RedisServer.start();
             Jedis mainDirect = direct(main);
             Jedis teeDirect = direct(teeServer);
             Jedis mismatchDirect = direct(mismatches)) {
            mainDirect.set("shared", "same");
            teeDirect.set("shared", "same");
            mainDirect.set("only-main", "a");
            mainDirect.set("counter", "5");
            String sinks = """
                    chain:
                      - ValkeySinkSingle:
                          name: "tee-sink-%1$s"
                          remote_address: "127.0.0.1:%2$d"
                - ValkeySinkSingle:
                    name: "main-sink-%1$s"
                    remote_address: "127.0.0.1:%3$d"
                """;

            try (ShotoverProxy proxy = proxy("- Tee:\n    behavior: FailOnMismatch\n"
                    + sinks.formatted("fail", teeServer.port(), main.port()));
                 Jedis jedis = client(proxy.address("valkey"))) {
                assertThat(jedis.get("shared")).isEqualTo("same");
                assertThatThrownBy(() -> jedis.get("only-main")).isInstanceOf(JedisDataException.class)
                        .hasMessage(FAIL_TEXT);
                assertThat(jedis.set("written", "x")).isEqualTo("OK");
            }
            // both servers got the write
            assertThat(mainDirect.get("written")).isEqualTo("x");
            assertThat(teeDirect.get("written")).isEqualTo("x");

            try (ShotoverProxy proxy = proxy("- Tee:\n    behavior: LogWarningOnMismatch\n"
                    + sinks.formatted("log", teeServer.port(), main.port()));
                 Jedis jedis = client(proxy.address("valkey"))) {
                assertThat(jedis.get("only-main")).isEqualTo("a");
                assertThat(jedis.get("shared")).isEqualTo("same");
            }
            assertThat(teeMismatchWarnings()).containsExactly(
                    "Tee mismatch:\nresult-source response: BulkString[a]\nother response: NullBulkString[]");

            String subchain = """
                    - Tee:
                        behavior:
                          SubchainOnMismatch:
                            - ValkeySinkSingle:
                                name: "mismatch-sink"
                                remote_address: "127.0.0.1:%d"
                    """.formatted(mismatches.port());
            try (ShotoverProxy proxy = proxy(subchain + sinks.formatted("subchain", teeServer.port(), main.port()));
                 Jedis jedis = client(proxy.address("valkey"))) {
                // INCR answers 6 from the main server and 1 from the tee server: a mismatch
                assertThat(jedis.incr("counter")).isEqualTo(6);
                // SET answers OK from both: no mismatch
                assertThat(jedis.set("agreed", "y")).isEqualTo("OK");
                awaitTrue(() -> "1".equals(mismatchDirect.get("counter")));
                sleep(200);
                assertThat(mismatchDirect.keys("*")).containsExactly("counter");
            }
        }
        logs.assertNoUnexpectedWarnOrError("Tee mismatch:");
    }

    // ---- the result-source switch ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"switch_port", "http_api_port"})
    void httpSwitchFlipsWhichChainAnswersOnEveryConnection(String portField) throws Exception {
        int port = FreePort.find();
        URI uri = URI.create("http://127.0.0.1:" + port + "/transform/tee/result-source");
        HttpClient http = HttpClient.newHttpClient();
        try (RedisServer regular = RedisServer.start();
             RedisServer teeServer = RedisServer.start();
             Jedis regularDirect = direct(regular);
             Jedis teeDirect = direct(teeServer)) {
            regularDirect.set("k", "a");
            teeDirect.set("k", "b");
            try (ShotoverProxy proxy = proxy("""
                    - Tee:
                        %s: %d
                        chain:
                          - ValkeySinkSingle:
                              name: "tee-sink"
                              remote_address: "127.0.0.1:%d"
                    - ValkeySinkSingle:
                        name: "regular-sink"
                        remote_address: "127.0.0.1:%d"
                    """.formatted(portField, port, teeServer.port(), regular.port()));
                 Jedis first = client(proxy.address("valkey"));
                 Jedis second = client(proxy.address("valkey"))) {
                assertThat(first.get("k")).isEqualTo("a");
                assertThat(second.get("k")).isEqualTo("a");
                assertThat(send(http, "GET", uri, null)).isEqualTo("200 regular-chain");

                assertThat(send(http, "PUT", uri, "tee-chain")).isEqualTo("200 ");
                assertThat(send(http, "GET", uri, null)).isEqualTo("200 tee-chain");
                assertThat(first.get("k")).isEqualTo("b");
                assertThat(second.get("k")).isEqualTo("b");
                // a pipeline through the tee chain keeps its order
                Pipeline pipeline = second.pipelined();
                Response<String> set = pipeline.set("p", "1");
                Response<String> get = pipeline.get("k");
                Response<Long> incr = pipeline.incr("n");
                pipeline.sync();
                assertThat(set.get()).isEqualTo("OK");
                assertThat(get.get()).isEqualTo("b");
                assertThat(incr.get()).isEqualTo(1);

                assertThat(send(http, "PUT", uri, "neither")).startsWith("400 ");
                assertThat(send(http, "GET", uri, null)).isEqualTo("200 tee-chain");

                assertThat(send(http, "PUT", uri, "regular-chain")).isEqualTo("200 ");
                assertThat(first.get("k")).isEqualTo("a");
                assertThat(second.get("k")).isEqualTo("a");
            }
            // writes went down both chains whichever was the result source
            assertThat(regularDirect.get("p")).isEqualTo("1");
            assertThat(teeDirect.get("p")).isEqualTo("1");
        }
        // the API stops with the proxy
        assertThatThrownBy(() -> send(http, "GET", uri, null)).isInstanceOf(IOException.class);
        logs.assertNoUnexpectedWarnOrError();
    }

    // ---- a tee chain that never answers ----

    @Test
    void aTeeChainThatNeverAnswersDoesNotSlowTheMainChainAndDropsAreCounted() throws Exception {
        try (SilentServer silent = SilentServer.start();
             RedisServer main = RedisServer.start();
             ShotoverProxy proxy = proxy("""
                     - Tee:
                         buffer_size: 3
                         chain:
                           - ValkeySinkSingle:
                               name: "silent-sink"
                               remote_address: "127.0.0.1:%d"
                     - ValkeySinkSingle:
                         name: "main-sink"
                         remote_address: "127.0.0.1:%d"
                     """.formatted(silent.port(), main.port()));
             Jedis jedis = client(proxy.address("valkey"))) {
            assertThat(dropped(proxy)).isZero();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                assertThat(jedis.set("key" + i, "v")).isEqualTo("OK");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
            // three batches wait in the tee chain; the other seven were not sent to it
            assertThat(dropped(proxy)).isEqualTo(7);
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < 4; i++) {
                pipeline.get("key" + i);
            }
            assertThat(pipeline.syncAndReturnAll()).containsOnly("v");
            assertThat(dropped(proxy)).as("drops count messages, not batches").isEqualTo(11);
            assertThat(proxy.metrics().scrape()).contains("shotover_tee_dropped_messages_count{chain=\"Tee\"} 11");
            // the silent server did get the first three requests
            awaitTrue(() -> silent.bytesReceived() >= 3 * RawRespClient.command("SET", "key0", "v").length());
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void aTimeoutOnAComparingTeeCountsAsAMismatch() throws Exception {
        try (SilentServer silent = SilentServer.start();
             RedisServer main = RedisServer.start();
             ShotoverProxy proxy = proxy("""
                     - Tee:
                         behavior: LogWarningOnMismatch
                         timeout_micros: 500000
                         buffer_size: 2
                         chain:
                           - ValkeySinkSingle:
                               name: "silent-sink"
                               remote_address: "127.0.0.1:%d"
                     - ValkeySinkSingle:
                         name: "main-sink"
                         remote_address: "127.0.0.1:%d"
                     """.formatted(silent.port(), main.port()));
             Jedis jedis = client(proxy.address("valkey"))) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                assertThat(jedis.set("k", "v")).isEqualTo("OK");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(490),
                        Duration.ofSeconds(3));
            }
            // the two timed-out batches are still in the tee chain: the next ones are not compared, nor delayed
            long start = System.nanoTime();
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
            assertThat(dropped(proxy)).isEqualTo(1);
        }
        assertThat(teeMismatchWarnings()).containsExactly(
                "Tee mismatch:\nresult-source response: SimpleString[value=OK]\nother response: no response: the tee "
                        + "chain did not answer within 500000 microseconds",
                "Tee mismatch:\nresult-source response: SimpleString[value=OK]\nother response: no response: the tee "
                        + "chain did not answer within 500000 microseconds");
        logs.assertNoUnexpectedWarnOrError("Tee mismatch:");
    }

    @Test
    void aFailingTeeChainIsLoggedOncePerConnectionAndTheClientIsNotAffected() {
        int closedPort = FreePort.find();
        try (RedisServer main = RedisServer.start();
             ShotoverProxy proxy = proxy("""
                     - Tee:
                         name: "mirror"
                         chain:
                           - ValkeySinkSingle:
                               name: "unreachable"
                               remote_address: "127.0.0.1:%d"
                     - ValkeySinkSingle:
                         name: "main-sink"
                         remote_address: "127.0.0.1:%d"
                     """.formatted(closedPort, main.port()))) {
            for (int connection = 0; connection < 2; connection++) {
                try (Jedis jedis = client(proxy.address("valkey"))) {
                    for (int i = 0; i < 5; i++) {
                        assertThat(jedis.set("k" + i, "v")).isEqualTo("OK");
                    }
                    awaitTrue(() -> logs.warnAndErrorMessages().size() >= 1);
                }
            }
            awaitTrue(() -> logs.warnAndErrorMessages().size() >= 2);
            sleep(200);
        }
        assertThat(logs.warnAndErrorMessages()).hasSize(2).allSatisfy(message -> assertThat(message)
                .startsWith("Tee sub-chain \"mirror\" failed; its responses are not compared or returned while it "
                        + "fails. Further failures on this connection are logged at DEBUG until it answers again: "
                        + "Transform ValkeySinkSingle named unreachable failed in chain mirror: Failed to connect to "
                        + "destination 127.0.0.1:" + closedPort));
        logs.assertNoUnexpectedWarnOrError("Tee sub-chain \"mirror\" failed");
    }

    // ---- validation ----

    @Test
    void badSubChainsAreReportedNestedUnderTheTee() {
        String yaml = topology("""
                - Tee:
                    name: "tee"
                    buffer_size: 0
                    behavior:
                      SubchainOnMismatch: []
                    chain:
                      - DebugPrinter
                - NullSink
                """);
        String expected = """
                Topology errors
                valkey source:
                  valkey chain:
                    buffer_size must be at least 1 but was 0
                    Tee:
                      tee chain:
                        Non-terminating Transform DebugPrinter named "DebugPrinter" is last in chain. Last Transform must be terminating.
                      tee.mismatch chain:
                        Chain cannot be empty""";
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(yaml).build())
                .isInstanceOf(TopologyException.class)
                .hasMessage(expected);

        Path topologyFile = TestFiles.writeTemp("topology.yaml", yaml);
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"warn\"\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ShotoverMain.run(new String[] {"-t", topologyFile.toString(), "-c", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(expected + "\n");
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void aMissingChainIsABindingError() {
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(topology("""
                - Tee:
                    behavior: FailOnMismatch
                - NullSink
                """)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Tee: missing field 'chain'");
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void anEmptyTeeChainUnderTheDefaultName() {
        String yaml = topology("""
                - Tee:
                    chain: []
                - NullSink
                """);
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(yaml).build())
                .isInstanceOf(TopologyException.class)
                .hasMessage("""
                        Topology errors
                        valkey source:
                          valkey chain:
                            Tee:
                              Tee chain:
                                Chain cannot be empty""");
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void aSwitchPortInUseIsReportedAtStartup() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(topology("""
                    - Tee:
                        switch_port: %d
                        chain:
                          - NullSink
                    - NullSink
                    """.formatted(port))).build())
                    .isInstanceOf(TopologyException.class)
                    .hasMessageContaining("Transform Tee named \"Tee\" could not be built: could not listen on "
                            + "127.0.0.1:" + port + " for the Tee result-source HTTP API");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    // ---- helpers ----

    private static String send(HttpClient http, String method, URI uri, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(20);
        }
        throw new AssertionError("condition not met within 10s", last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A TCP server that accepts connections and reads what it is sent, but never answers. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final AtomicLong received = new AtomicLong();

        private SilentServer(ServerSocket server) {
            this.server = server;
        }

        static SilentServer start() throws IOException {
            SilentServer silent = new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(silent::acceptLoop, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return silent;
        }

        int port() {
            return server.getLocalPort();
        }

        long bytesReceived() {
            return received.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread reader = new Thread(() -> drain(socket), "silent-server-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void drain(Socket socket) {
            byte[] buffer = new byte[4096];
            try (InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.addAndGet(n);
                }
            } catch (IOException e) {
                // closed by the test or by the proxy
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
