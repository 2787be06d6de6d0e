package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.valkey.ValkeyFrame;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real Redis, so the reply parsing is checked against what servers really send. */
class ValkeyTestClientTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void readsEveryRespTwoReplyKind() {
        try (ValkeyTestClient client = ValkeyTestClient.connect(redis.address())) {
            assertThat(client.call("SET", "k", "v\r\nwith newline")).isEqualTo(ValkeyFrame.ok());
            assertThat(client.callForString("GET", "k")).isEqualTo("v\r\nwith newline");
            assertThat(client.callForString("GET", "missing")).isNull();
            assertThat(client.call("INCR", "n")).isEqualTo(new ValkeyFrame.Integer(1));
            assertThat(client.call("MGET", "k", "missing")).isEqualTo(new ValkeyFrame.Array(List.of(
                    ValkeyFrame.bulk("v\r\nwith newline"), new ValkeyFrame.NullBulkString())));
            assertThat(client.call("NOSUCHCOMMAND")).isInstanceOf(ValkeyFrame.Error.class);
            assertThatThrownBy(() -> client.callForString("INCR", "n")).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Integer[value=2]");
        }
    }

    @Test
    void readsRespThreeRepliesAfterHello() {
        try (ValkeyTestClient client = ValkeyTestClient.connect(redis.address())) {
            assertThat(client.call("HELLO", "3")).isInstanceOf(ValkeyFrame.Map.class);
            assertThat(client.call("GET", "never-set")).isEqualTo(new ValkeyFrame.Null());
            client.call("SADD", "s", "a");
            assertThat(client.call("SMEMBERS", "s")).isEqualTo(new ValkeyFrame.Set(List.of(ValkeyFrame.bulk("a"))));
        }
    }

    @Test
    void pipelinedRepliesComeBackInOrder() {
        try (ValkeyTestClient client = ValkeyTestClient.connect(redis.address())) {
            assertThat(client.pipeline(List.of(List.of("SET", "p", "1"), List.of("INCR", "p"), List.of("GET", "p"))))
                    .containsExactly(ValkeyFrame.ok(), new ValkeyFrame.Integer(2), ValkeyFrame.bulk("2"));
        }
    }

    @Test
    void aServerThatNeverAnswersFailsTheReadInsteadOfHanging() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ValkeyTestClient client = ValkeyTestClient.connect(
                     new InetSocketAddress("127.0.0.1", silent.getLocalPort()), Duration.ofMillis(200))) {
            assertThatThrownBy(() -> client.call("PING")).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("no complete reply");
        }
    }

    @Test
    void noticesAConnectionClosedByTheServer() {
        try (ValkeyTestClient client = ValkeyTestClient.connect(redis.address())) {
            assertThat(client.isClosedByServer(Duration.ofMillis(50))).isFalse();
            client.send(List.of("QUIT"));
            assertThat(client.readReply()).isEqualTo(ValkeyFrame.ok());
            assertThat(client.isClosedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }
}
