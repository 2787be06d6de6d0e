package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code connection_limit} and {@code hard_connection_limit}, as Shotover documents them. */
class ConnectionLimitsIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
        logs.assertNoUnexpectedWarnOrError();
    }

    private static ShotoverProxy proxy(int limit, boolean hard) {
        return ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      connection_limit: %d
                      hard_connection_limit: %s
                      chain:
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:%d"
                """.formatted(limit, hard, redis.port())).start();
    }

    @Test
    void softLimitMakesNewConnectionsWaitUntilOneCloses() throws Exception {
        try (ShotoverProxy proxy = proxy(2, false)) {
            InetSocketAddress address = proxy.address("valkey");
            RawRespClient first = new RawRespClient(address);
            try (RawRespClient second = new RawRespClient(address); Socket third = new Socket()) {
                ping(first);
                ping(second);
                assertThat(proxy.metrics().scrape()).contains("shotover_available_connections_count{source=\"valkey\"} 0");

                third.connect(address, 2000); // the kernel still accepts it: it waits in the backlog
                third.setSoTimeout(700);
                third.getOutputStream().write(command("PING").getBytes(StandardCharsets.UTF_8));
                InputStream in = third.getInputStream();
                assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

                first.close();
                third.setSoTimeout(10_000);
                byte[] reply = in.readNBytes(7);
                assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void hardLimitRefusesConnectionsWhileFullAndReopensWhenThereIsRoom() throws Exception {
        try (ShotoverProxy proxy = proxy(1, true)) {
            InetSocketAddress address = proxy.address("valkey");
            RawRespClient only = new RawRespClient(address);
            ping(only);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                            .isInstanceOf(ConnectException.class));

            only.close();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
                try (RawRespClient again = new RawRespClient(address)) {
                    ping(again);
                }
            });
        }
    }

    private static void ping(RawRespClient client) throws IOException {
        client.send(command("PING"));
        assertThat(new String(client.readReply(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
    }
}
