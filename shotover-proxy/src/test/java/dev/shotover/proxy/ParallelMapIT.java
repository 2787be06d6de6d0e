package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.config.Required;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code ParallelMap} with four instances of a sub-chain ending in {@code ValkeySinkSingle} to a real redis-server:
 * ordered and unordered results, one backend connection per instance, an instance that fails (only its requests get
 * the error, which names the transform and the chain; the connection goes on), forced runs reaching a
 * {@code Coalesce} inside the sub-chain, and sub-chain validation reported once.
 */
class ParallelMapIT {
    private static final String FAILURE = "could not process this request: its sub-chain instance";

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /**
     * A test-only transform that fails any run carrying a request with the given key (so one sub-chain config can
     * have an instance that fails), and otherwise passes the batch on.
     */
    public static final class FailOnKeyFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "FailOnKey";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return Config.class;
        }

        public record Config(String name, @Required String key) implements TransformConfig {
            @Override
            public TransformBuilder builder(BuildContext context) {
                return connection -> state -> refuses(state) ? CompletableFuture.failedFuture(
                        new IllegalStateException("refused to pass on key " + key)) : state.callNextTransform();
            }

            private boolean refuses(ChainState state) {
                for (Message request : state.requests()) {
                    if (request.frame(ValkeyFrame.class) instanceof ValkeyFrame.Array array) {
                        for (ValkeyFrame element : array.elements()) {
                            if (element instanceof ValkeyFrame.BulkString bulk && bulk.asString().equals(key)) {
                                return true;
                            }
                        }
                    }
                }
                return false;
            }
        }
    }

    private static ShotoverProxy proxy(String orderedResults, String subChain) {
        return ShotoverProxy.builder().registerTransform(new FailOnKeyFactory()).topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ParallelMap:
                            name: "pm"
                            parallelism: 4
                            ordered_results: %s
                            chain:
                %s
                """.formatted(orderedResults, subChain.indent(16).stripTrailing())).start();
    }

    private static String failingSinkChain(RedisServer redis) {
        return """
                - FailOnKey:
                    name: "failer"
                    key: "boom"
                - ValkeySinkSingle:
                    name: "pm-sink"
                    remote_address: "127.0.0.1:%d"
                """.formatted(redis.port());
    }

    /**
     * A Jedis client that sends nothing of its own: by default Jedis 5 sends two {@code CLIENT SETINFO} writes when it
     * connects and waits for their replies, which would shift the round-robin position the test relies on.
     */
    private static Jedis client(InetSocketAddress address) {
        return new Jedis(new HostAndPort(address.getHostString(), address.getPort()), DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(10_000).clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build());
    }

    /** How many connections the server has besides the one asking. */
    private static int otherConnections(Jedis server) {
        return (int) server.clientList().lines().filter(line -> !line.isBlank()).count() - 1;
    }

    private static void awaitOtherConnections(Jedis server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (otherConnections(server) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(otherConnections(server)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void fourInstancesAnswerEveryRequestInRequestOrder(String orderedResults) {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = proxy(orderedResults, failingSinkChain(redis));
             Jedis jedis = client(proxy.address("valkey"));
             Jedis server = new Jedis(redis.host(), redis.port())) {

            // one request per batch: the rotation carries on across batches, so each instance gets one
            for (int i = 0; i < 4; i++) {
                assertThat(jedis.set("single" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(otherConnections(server)).isEqualTo(4);

            // pipelines: every reply is the one for its own request (Valkey is in-order, so unordered still is)
            Pipeline sets = jedis.pipelined();
            for (int i = 0; i < 400; i++) {
                sets.set("key" + i, "value" + i);
            }
            assertThat(sets.syncAndReturnAll()).hasSize(400).containsOnly("OK");
            Pipeline gets = jedis.pipelined();
            for (int i = 0; i < 400; i++) {
                gets.get("key" + i);
            }
            List<Object> values = gets.syncAndReturnAll();
            for (int i = 0; i < 400; i++) {
                assertThat(values.get(i)).isEqualTo("value" + i);
            }
            assertThat(server.dbSize()).isEqualTo(404);
            // still four backend connections for the one client connection
            assertThat(otherConnections(server)).isEqualTo(4);
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void aFailingInstanceAnswersItsRequestsWithAnErrorNamingTheTransformAndTheConnectionGoesOn(String orderedResults)
            throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = proxy(orderedResults, failingSinkChain(redis));
             Jedis jedis = client(proxy.address("valkey"));
             Jedis server = new Jedis(redis.host(), redis.port())) {

            for (int i = 0; i < 4; i++) {
                assertThat(jedis.set("before" + i, "1")).isEqualTo("OK");
            }
            assertThat(otherConnections(server)).isEqualTo(4);
            // four requests so far: the rotation is back at instance 0
            assertThatThrownBy(() -> jedis.get("boom")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("ERR ParallelMap named pm in chain valkey " + FAILURE + " pm[0] failed.")
                    .hasMessageContaining("0: Transform FailOnKey named failer failed in chain pm")
                    .hasMessageContaining("1: refused to pass on key boom");
            // the failed instance is closed (its backend connection goes); its replacement connects when used
            awaitOtherConnections(server, 3);
            // the connection is still open, and every instance serves requests again
            for (int i = 0; i < 8; i++) {
                assertThat(jedis.set("after" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(jedis.get("after7")).isEqualTo("v7");
            assertThat(otherConnections(server)).isEqualTo(4);

            // a pipeline in one write: only requests that shared the failing instance's run get the error
            try (RawRespClient raw = new RawRespClient(proxy.address("valkey"))) {
                StringBuilder pipeline = new StringBuilder();
                for (int i = 0; i < 40; i++) {
                    pipeline.append(i == 21 ? command("SET", "boom", "x") : command("SET", "p" + i, "v" + i));
                }
                raw.send(pipeline.toString());
                int errors = 0;
                for (int i = 0; i < 40; i++) {
                    String reply = new String(raw.readReply(), StandardCharsets.UTF_8);
                    if (i == 21) {
                        assertThat(reply).startsWith("-ERR ParallelMap named pm in chain valkey " + FAILURE)
                                .contains("refused to pass on key boom");
                        errors++;
                    } else if (reply.equals("+OK\r\n")) {
                        // its reply is its own: the write happened
                        assertThat(server.get("p" + i)).isEqualTo("v" + i);
                    } else {
                        assertThat(reply).contains(FAILURE);
                        assertThat(server.exists("p" + i)).isFalse();
                        errors++;
                    }
                }
                // at most one run's share per batch: 40 requests over 4 instances
                assertThat(errors).isBetween(1, 10);
                raw.send(command("PING"));
                assertThat(new String(raw.readReply(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            }
            assertThat(server.exists("boom")).isFalse();

            // the pipeline's connection and its four backend connections are gone again
            awaitOtherConnections(server, 4);
        }
        logs.assertNoUnexpectedWarnOrError(FAILURE);
    }

    @Test
    void forcedRunsReachEveryInstanceSoACoalesceTimerInsideWorks() {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = proxy("true", """
                     - Coalesce:
                         flush_when_millis_since_last_flush: 200
                     - ValkeySinkSingle:
                         remote_address: "127.0.0.1:%d"
                     """.formatted(redis.port()));
             Jedis jedis = client(proxy.address("valkey"))) {
            for (int i = 0; i < 6; i++) {
                long start = System.nanoTime();
                assertThat(jedis.set("k" + i, "v")).isEqualTo("OK");
                // the first request also pays for class loading and the first backend connection
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isBetween(Duration.ofMillis(190), Duration.ofMillis(i == 0 ? 5000 : 600));
            }
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void subChainProblemsAreReportedOnceNestedUnderTheTransform() {
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ParallelMap:
                            name: "empty"
                            parallelism: 4
                            ordered_results: true
                            chain: []
                        - DebugPrinter
                        - ParallelMap:
                            name: "open-ended"
                            parallelism: 0
                            chain:
                              - DebugPrinter:
                                  name: "p-debug"
                """).build())
                .hasMessage(String.join("\n",
                        "Topology errors",
                        "valkey source:",
                        "  valkey chain:",
                        "    Terminating Transform ParallelMap named \"empty\" is not last in chain. Terminating "
                                + "Transform must be last in chain.",
                        "    ParallelMap:",
                        "      empty chain:",
                        "        Chain cannot be empty",
                        "    ParallelMap parallelism must be at least 1 but was 0",
                        "    ParallelMap:",
                        "      open-ended chain:",
                        "        Non-terminating Transform DebugPrinter named \"p-debug\" is last in chain. Last "
                                + "Transform must be terminating."));
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void withoutOrderedResultsTheFieldDefaultsToOrdered() {
        List<String> replies = new ArrayList<>();
        try (ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ParallelMap:
                            parallelism: 3
                            chain:
                              - DebugReturner:
                                  Valkey: "42"
                """).start();
             Jedis jedis = client(proxy.address("valkey"))) {
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < 10; i++) {
                pipeline.get("k" + i);
            }
            pipeline.syncAndReturnAll().forEach(reply -> replies.add(String.valueOf(reply)));
        }
        assertThat(replies).hasSize(10).containsOnly("42");
        logs.assertNoUnexpectedWarnOrError();
    }
}
