package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    private static String ping(RedisServer server) {
        return RespPing.ping(server.host(), server.port(), Duration.ofSeconds(1));
    }

    private static void assertRefused(RedisServer server) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket(server.host(), server.port())) {
                socket.getOutputStream().write('x');
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void startsOnAFreePortAndAnswersPing() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.kind()).isIn("container", "process", "embedded");
            assertThat(server.address().getPort()).isEqualTo(server.port());
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(server.isRunning()).isTrue();
            assertThat(ping(server)).isEqualTo("+PONG");
            assertThat(RespTestClient.command(server.address(), "SET", "k", "v")).isEqualTo("+OK");
            assertThat(RespTestClient.command(server.address(), "GET", "k")).isEqualTo("$1\r\nv");
        }
    }

    @Test
    void prefersTheRedisServerProcessWhenOnPathAndNoDocker() {
        // This machine (and CI) have redis-server from apt and no Docker engine.
        try (RedisServer server = RedisServer.start()) {
            if (RedisProcessBackend.findOnPath().isPresent() && !DockerProbe.probe().available()) {
                assertThat(server.kind()).isEqualTo("process");
                assertThat(server.workDir().resolve("redis-server.log")).exists();
            }
        }
    }

    @Test
    void stopRefusesConnectionsAndRestartComesBackOnTheSamePortEmpty() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            RespTestClient.command(server.address(), "SET", "k", "v");

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertRefused(server);
            server.stop(); // idempotent

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.isRunning()).isTrue();
            assertThat(ping(server)).isEqualTo("+PONG");
            assertThat(RespTestClient.command(server.address(), "GET", "k")).isEqualTo("$-1");

            server.restart(); // restart of a running server also works
            assertThat(ping(server)).isEqualTo("+PONG");
        }
    }

    @Test
    void appliesDefaultsAndExtraArguments() throws IOException {
        int port = FreePort.find();
        try (RedisServer server = RedisServer.start(port, "--maxmemory-policy", "allkeys-lru")) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(RespTestClient.command(server.address(), "CONFIG", "GET", "maxmemory-policy"))
                    .endsWith("allkeys-lru");
            assertThat(RespTestClient.command(server.address(), "CONFIG", "GET", "save")).isEqualTo("*2\r\n$4\r\nsave\r\n$0");
            assertThat(RespTestClient.command(server.address(), "CONFIG", "GET", "appendonly")).endsWith("no");
        }
    }

    @Test
    void requirePassCountsAsReady() throws IOException {
        try (RedisServer server = RedisServer.start(FreePort.find(), "--requirepass", "secret")) {
            assertThat(ping(server)).startsWith("-NOAUTH");
            assertThat(RespTestClient.command(server.address(), "AUTH", "secret")).isEqualTo("+OK");
        }
    }

    @Test
    void closeStopsAndDeletesTheTemporaryDirectory() {
        RedisServer server = RedisServer.start();
        Path dir = server.workDir();
        assertThat(dir).isDirectory();
        server.close();
        assertThat(Files.exists(dir)).isFalse();
        assertRefused(server);
        server.close(); // idempotent
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void failureExplainsEveryStrategyWithCommandLineAndLogTail() {
        int port = FreePort.find();
        assertThatThrownBy(() -> RedisServer.start("auto", port, "--no-such-directive", "x"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Could not start a Redis server on port " + port)
                .hasMessageContaining("container: ")
                .hasMessageContaining("process: failed")
                .hasMessageContaining("embedded: failed")
                .hasMessageContaining("--port " + port + " --bind 127.0.0.1 --save \"\" --appendonly no --dir ")
                .hasMessageContaining("--no-such-directive x")
                // redis-server's own complaint, from the log tail
                .hasMessageContaining("no-such-directive")
                .hasMessageContaining("Bad directive or wrong number of arguments");
    }

    @Test
    void portAlreadyInUseFailsWithTheReason() {
        try (RedisServer first = RedisServer.start()) {
            assertThatThrownBy(() -> RedisServer.start("process", first.port()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("Address already in use");
            assertThat(ping(first)).isEqualTo("+PONG");
        }
    }

    @Test
    void embeddedFallbackWorksAndRestarts() throws IOException {
        try (RedisServer server = RedisServer.start("embedded", FreePort.find(), "--maxmemory-policy", "allkeys-lru")) {
            assertThat(server.kind()).isEqualTo("embedded");
            assertThat(ping(server)).isEqualTo("+PONG");
            assertThat(RespTestClient.command(server.address(), "CONFIG", "GET", "maxmemory-policy"))
                    .endsWith("allkeys-lru");
            server.stop();
            assertRefused(server);
            server.restart();
            assertThat(ping(server)).isEqualTo("+PONG");
        }
    }

    @Test
    void embeddedSettingsAreTranslatedFromCommandLineArguments() {
        assertThat(EmbeddedRedisBackend.toSettings(java.util.List.of("--save", "", "--bind", "127.0.0.1", "::1",
                "--cluster-enabled", "yes")))
                .containsExactly("save \"\"", "bind 127.0.0.1 ::1", "cluster-enabled yes");
        assertThatThrownBy(() -> EmbeddedRedisBackend.toSettings(java.util.List.of("yes")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnknownKind() {
        assertThatThrownBy(() -> RedisServer.start("docker", 6379))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(RedisServer.KIND_PROPERTY);
    }
}
