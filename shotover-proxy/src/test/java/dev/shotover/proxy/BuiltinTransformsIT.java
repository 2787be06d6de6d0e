package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** The simple built-ins configured from YAML and driven by a real client, as in Shotover's transform tests. */
class BuiltinTransformsIT {
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private static ShotoverProxy proxyWithChain(String chain) {
        return ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                %s
                """.formatted(chain.indent(8).stripTrailing())).start();
    }

    private static Jedis client(ShotoverProxy proxy) {
        InetSocketAddress address = proxy.address("valkey");
        return new Jedis(address.getHostString(), address.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DenyList: [Write]", "AllowList: [Read]", "filter: Write"})
    void queryTypeFilterAnswersFilteredRequestsAndPassesTheRest(String filter) {
        try (ShotoverProxy proxy = proxyWithChain("""
                - QueryTypeFilter:
                    %s
                - DebugReturner:
                    Valkey: "42"
                """.formatted(filter));
             Jedis jedis = client(proxy)) {
            for (int i = 0; i < 100; i++) {
                assertThatThrownBy(() -> jedis.set("foo", "bar")).isInstanceOf(JedisDataException.class)
                        .hasMessage("ERR Message was filtered out by shotover");
                assertThat(jedis.get("foo")).isEqualTo("42");
            }
            // a pipeline mixing both keeps every reply in its place
            Pipeline pipeline = jedis.pipelined();
            Response<String> get1 = pipeline.get("a");
            Response<String> set = pipeline.set("b", "1");
            Response<String> get2 = pipeline.get("c");
            List<Object> all = pipeline.syncAndReturnAll();
            assertThat(all).hasSize(3);
            assertThat(get1.get()).isEqualTo("42");
            assertThat(all.get(1)).isInstanceOf(JedisDataException.class);
            assertThatThrownBy(set::get).hasMessage("ERR Message was filtered out by shotover");
            assertThat(get2.get()).isEqualTo("42");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void nullSinkAnswersEveryRequestWithShotoversError() {
        try (ShotoverProxy proxy = proxyWithChain("- Null"); Jedis jedis = client(proxy)) {
            assertThatThrownBy(jedis::ping).hasMessage("ERR Handled by shotover null transform");
            assertThatThrownBy(() -> jedis.get("x")).hasMessage("ERR Handled by shotover null transform");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void debugReturnerFailEndsTheConnectionWithAnErrorNamingTheTransform() throws Exception {
        try (ShotoverProxy proxy = proxyWithChain("- DebugReturner: Fail");
             RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            client.send(command("GET", "x"));
            assertThat(new String(client.readReply(), StandardCharsets.UTF_8))
                    .startsWith("-ERR Internal shotover (or custom transform) bug (chain: valkey): ")
                    .contains("0: Transform DebugReturner named DebugReturner failed in chain valkey     1: Intentional Fail!");
            assertThat(client.isClosedByPeer()).isTrue();
        }
        logs.assertNoUnexpectedWarnOrError("Intentional Fail!");
    }

    @Test
    void readTimeoutFailsAConnectionWhoseBackendStopsAnswering() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = proxyWithChain("""
                     - RedisSinkSingle:
                         name: "sink"
                         remote_address: "127.0.0.1:%d"
                         read_timeout: 1
                     """.formatted(redis.port()));
             RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            client.send(command("PING"));
            assertThat(new String(client.readReply(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            long start = System.nanoTime();
            client.send(command("BLPOP", "never", "10"));
            String reply = new String(client.readReply(), StandardCharsets.UTF_8);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(reply).contains("Transform ValkeySinkSingle named sink failed in chain valkey")
                    .contains("Timed out after 1s waiting for a response from destination 127.0.0.1:" + redis.port());
            assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            assertThat(client.isClosedByPeer()).isTrue();
        }
        logs.assertNoUnexpectedWarnOrError("failed in chain valkey");
    }
}
