package dev.shotover.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.chain.TopologyException;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.ProxyProcess;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.ValkeyTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedding application against a real redis-server: in this JVM, and as its own process. */
class EmbeddedProxyAppIT {

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

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

    private static String redisAddress() {
        return "127.0.0.1:" + redis.port();
    }

    @Test
    void keysAreNamespacedByTheTransformRegisteredInCode() {
        try (ShotoverProxy proxy = EmbeddedProxyApp.start("127.0.0.1:0", redisAddress(), "tenant1:");
             ValkeyTestClient client = ValkeyTestClient.connect(proxy.address("app"));
             ValkeyTestClient direct = ValkeyTestClient.connect(redis.address())) {
            assertThat(client.call("SET", "foo", "bar")).isEqualTo(ValkeyFrame.ok());
            assertThat(client.callForString("GET", "foo")).isEqualTo("bar");
            assertThat(client.call("MGET", "foo", "nope")).isEqualTo(new ValkeyFrame.Array(List.of(
                    ValkeyFrame.bulk("bar"), new ValkeyFrame.NullBulkString())));

            // Redis holds the key under the prefix only.
            assertThat(direct.callForString("GET", "tenant1:foo")).isEqualTo("bar");
            assertThat(direct.callForString("GET", "foo")).isNull();

            assertThat(client.call("DEL", "foo", "nope")).isEqualTo(new ValkeyFrame.Integer(1));
            assertThat(direct.call("EXISTS", "tenant1:foo")).isEqualTo(new ValkeyFrame.Integer(0));
            assertThat(proxy.metrics().scrape())
                    .contains("example_keys_prefixed_count{chain=\"app\",transform=\"KeyPrefix\"} 6");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void anEmptyPrefixIsRefusedAtStartupByTheTransformsValidation() {
        assertThatThrownBy(() -> EmbeddedProxyApp.start("127.0.0.1:0", redisAddress(), ""))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("KeyPrefix: prefix must not be empty");
    }

    @Test
    void runsAsAnApplicationUntilTerminated() throws Exception {
        int port = FreePort.find();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=paranoid",
                "-cp", System.getProperty("java.class.path"),
                EmbeddedProxyApp.class.getName(), "127.0.0.1:" + port, redisAddress(), "app2:");
        Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(app.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("listening on ")) {
                output.add(line);
            }
            assertThat(line).as("the application's output: %s", output)
                    .isEqualTo("listening on 127.0.0.1:" + port + ", forwarding to " + redisAddress()
                            + " with keys prefixed by 'app2:'");

            try (ValkeyTestClient client = ValkeyTestClient.connect(new InetSocketAddress("127.0.0.1", port));
                 ValkeyTestClient direct = ValkeyTestClient.connect(redis.address())) {
                assertThat(client.call("SET", "k", "v")).isEqualTo(ValkeyFrame.ok());
                assertThat(direct.callForString("GET", "app2:k")).isEqualTo("v");
            }

            // SIGTERM through the handle: Process.destroy() would also close our end of its output.
            app.toHandle().destroy();
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while ((line = lines.readLine()) != null) {
                output.add(line);
            }
        } finally {
            app.destroyForcibly();
        }
        assertThat(output).contains("stopped");
        assertThat(ProxyProcess.unexpectedWarnOrErrorLines(output)).as(String.join("\n", output)).isEmpty();
        assertThat(app.exitValue()).isEqualTo(143); // terminated by SIGTERM after the hooks ran
    }
}
