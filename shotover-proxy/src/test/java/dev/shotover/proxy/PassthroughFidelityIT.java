package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The passthrough path is invisible: replies through the proxy are byte-identical to a direct connection, and no
 * message is parsed or re-encoded on the way (a probe transform in the chain sees every request and response).
 */
public class PassthroughFidelityIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    /** What the probe saw of each message: was it parsed, does it still have its original bytes. */
    record Observation(String direction, boolean parsed, boolean hasOriginalBytes) {
    }

    static final List<Observation> observations = new CopyOnWriteArrayList<>();

    public record ProbeConfig(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return new TransformBuilder() {
                @Override
                public Transform build(TransformContext ctx) {
                    return state -> {
                        for (Message request : state.requests()) {
                            observations.add(new Observation("request", request.isParsed(), request.rawBytes() != null));
                        }
                        return state.callNextTransform().thenApply(responses -> {
                            for (Message response : responses) {
                                observations.add(new Observation("response", response.isParsed(),
                                        response.rawBytes() != null));
                            }
                            return responses;
                        });
                    };
                }
            };
        }
    }

    public static final class ProbeFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "ParsingProbe";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return ProbeConfig.class;
        }
    }

    private static RedisServer redis;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        String topology = """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ParsingProbe
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:%d"
                """.formatted(redis.port());
        proxy = ShotoverProxy.builder().topologyYaml(topology).registerTransform(new ProbeFactory()).start();
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

    private static final List<String> SCRIPT = List.of(
            command("SET", "k", "v"),
            command("GET", "k"),
            command("GET", "missing"),
            command("INCR", "n"),
            command("RPUSH", "l", "a", "b", "c"),
            command("LRANGE", "l", "0", "-1"),
            command("HSET", "h", "f", "x"),
            command("HGETALL", "h"),
            command("EXISTS", "k", "missing"),
            command("PING"),
            command("ECHO", "binary\r\nsafe"),
            command("NOSUCHCOMMAND", "x"),
            command("INCR", "k"),
            command("EVAL", "return {1, 'two', {3}, redis.status_reply('OK'), false}", "0"),
            command("MULTI"),
            command("SET", "t", "1"),
            command("EXEC"),
            command("DEL", "k", "n", "l", "h", "t"));

    @Test
    void repliesAreByteIdenticalToADirectConnectionAndNothingIsReencoded() throws Exception {
        List<byte[]> direct = replies(redis.address());
        observations.clear();
        List<byte[]> proxied = replies(proxy.address("valkey"));

        assertThat(proxied).hasSameSizeAs(direct);
        for (int i = 0; i < direct.size(); i++) {
            assertThat(new String(proxied.get(i), StandardCharsets.ISO_8859_1))
                    .as("reply to %s", SCRIPT.get(i).replace("\r\n", " "))
                    .isEqualTo(new String(direct.get(i), StandardCharsets.ISO_8859_1));
        }
        // every request and response went through unparsed, still holding its original bytes
        assertThat(observations).hasSize(2 * SCRIPT.size());
        assertThat(observations).allSatisfy(o -> {
            assertThat(o.parsed()).as("%s parsed", o.direction()).isFalse();
            assertThat(o.hasOriginalBytes()).as("%s has original bytes", o.direction()).isTrue();
        });
    }

    @Test
    void pipelinedScriptSentInOneWriteGetsTheSameReplies() throws Exception {
        try (RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            client.send(String.join("", SCRIPT));
            List<byte[]> replies = new ArrayList<>();
            for (int i = 0; i < SCRIPT.size(); i++) {
                replies.add(client.readReply());
            }
            assertThat(new String(replies.get(0), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            assertThat(new String(replies.get(1), StandardCharsets.UTF_8)).isEqualTo("$1\r\nv\r\n");
            assertThat(new String(replies.get(2), StandardCharsets.UTF_8)).isEqualTo("$-1\r\n");
            assertThat(new String(replies.get(11), StandardCharsets.UTF_8)).startsWith("-ERR unknown command");
            assertThat(new String(replies.get(SCRIPT.size() - 1), StandardCharsets.UTF_8)).isEqualTo(":5\r\n");
        }
    }

    private static List<byte[]> replies(java.net.InetSocketAddress address) throws Exception {
        List<byte[]> replies = new ArrayList<>();
        try (RawRespClient client = new RawRespClient(address)) {
            for (String request : SCRIPT) {
                client.send(request);
                replies.add(client.readReply());
            }
        }
        return replies;
    }
}
