package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** One client's bad bytes or a backend outage must not harm anything else, and must be answered clearly. */
class FailureHandlingIT {
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void invalidRespClosesOnlyThatConnectionWithOneWarning() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start();
             Jedis bystander = new Jedis(proxy.address("valkey").getHostString(), proxy.address("valkey").getPort())) {
            InetSocketAddress address = proxy.address("valkey");
            assertThat(bystander.set("before", "1")).isEqualTo("OK");

            try (RawRespClient bad = new RawRespClient(address)) {
                bad.send("invalid_valkey_frame\r\n");
                assertThat(bad.isClosedByPeer()).isTrue();
            }
            // a frame that breaks mid-way (a bulk length that is not a number) after a good command in the same write
            try (RawRespClient bad = new RawRespClient(address)) {
                bad.send(command("SET", "good", "1") + "*1\r\n$x\r\n");
                assertThat(new String(bad.readReply(), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
                assertThat(bad.isClosedByPeer()).isTrue();
            }

            assertThat(bystander.get("before")).isEqualTo("1");
            assertThat(bystander.get("good")).isEqualTo("1");
            try (Jedis fresh = new Jedis(address.getHostString(), address.getPort())) {
                assertThat(fresh.ping()).isEqualTo("PONG");
            }
        }
        assertThat(logs.warnAndErrorMessages())
                .hasSize(2)
                .allSatisfy(m -> assertThat(m).contains("failed to decode message"))
                .anySatisfy(m -> assertThat(m).contains("invalid type byte 0x69 ('i') at offset 0"));
        logs.assertNoUnexpectedWarnOrError("failed to decode message");
    }

    @Test
    void backendDownAnswersEveryRequestWithAnErrorNamingTheChainAndTransformThenRecovers() throws Exception {
        int port = FreePort.find();
        try (ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(port)).start()) {
            InetSocketAddress address = proxy.address("valkey");
            try (RawRespClient client = new RawRespClient(address)) {
                client.send(command("SET", "a", "1") + command("GET", "a"));
                String expected = "-ERR Internal shotover (or custom transform) bug (chain: valkey): Failed to send"
                        + " and/or receive messages, the connection will now be closed.  Caused by:     0: Transform"
                        + " ValkeySinkSingle named valkey-sink failed in chain valkey     1: Failed to connect to"
                        + " destination 127.0.0.1:" + port + "     2: ";
                String first = new String(client.readReply(), StandardCharsets.UTF_8);
                String second = new String(client.readReply(), StandardCharsets.UTF_8);
                assertThat(first).isEqualTo(expected + "Connection refused\r\n");
                assertThat(second).isEqualTo(first);
                assertThat(client.isClosedByPeer()).isTrue();
            }
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("Failed to connect to destination 127.0.0.1:" + port);
            }

            // the backend comes up: new connections work, no restart of the proxy
            try (RedisServer redis = RedisServer.start(port);
                 Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                assertThat(jedis.set("back", "up")).isEqualTo("OK");
                assertThat(jedis.get("back")).isEqualTo("up");
            }
        }
        // one ERROR per failed connection, naming the chain and transform
        assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.ERROR)
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("Transform ValkeySinkSingle named valkey-sink failed in chain valkey"));
        logs.assertNoUnexpectedWarnOrError("failed in chain valkey");
    }

    @Test
    void backendGoingAwayMidConnectionFailsThatConnectionAndLaterConnectionsUseTheNewBackend() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start()) {
            InetSocketAddress address = proxy.address("valkey");
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
                assertThat(jedis.set("k", "v")).isEqualTo("OK");
                redis.stop();
                assertThatThrownBy(jedis::ping).hasMessageContaining("valkey-sink failed in chain valkey");
            }
            redis.restart();
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                assertThat(jedis.ping()).isEqualTo("PONG");
            }
        }
        logs.assertNoUnexpectedWarnOrError("failed in chain valkey");
    }

    @Test
    void idleTimeoutClosesQuietConnections() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml("""
                     sources:
                       - Valkey:
                           name: "valkey"
                           listen_addr: "127.0.0.1:0"
                           timeout: 1
                           chain:
                             - ValkeySinkSingle:
                                 remote_address: "127.0.0.1:%d"
                     """.formatted(redis.port())).start();
             RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            client.send(command("PING"));
            assertThat(new String(client.readReply(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            long start = System.nanoTime();
            assertThat(client.isClosedByPeer()).isTrue();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
        }
        logs.assertNoUnexpectedWarnOrError();
    }
}
