package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.testsupport.CliResult;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.ProxyProcess;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.TestFiles;
import dev.shotover.testsupport.ValkeyTestClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What you ship: {@code target/${artifactId}-proxy.jar} (built by the package phase) run as its own process, with
 * the transform inside it. The build passes the jar's path in the {@code shotover.proxy.jar} system property.
 */
class ProxyJarIT {

    @Test
    void theShippedTopologyAndConfigAreValid() {
        CliResult result = ProxyProcess.runToCompletion(Duration.ofSeconds(60), "--check",
                "--topology-file", "topology.yaml", "--config-file", "config.yaml");

        assertThat(result.exitCode()).as(result.combined()).isZero();
        assertThat(result.stdout()).contains("are valid");
    }

    @Test
    void theJarProxiesRequestsThroughTheTransform() {
        try (RedisServer redis = RedisServer.start()) {
            int port = FreePort.find();
            Path topology = TestFiles.writeTemp("topology.yaml", """
                    sources:
                      - Valkey:
                          name: "valkey"
                          listen_addr: "127.0.0.1:%d"
                          chain:
                            - ${transformName}:
                                suffix: " (via shotover)"
                            - ValkeySinkSingle:
                                remote_address: "127.0.0.1:%d"
                    """.formatted(port, redis.port()));
            Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"info\"\n");

            ProxyProcess proxy = ProxyProcess.start(topology, config);
            try (ValkeyTestClient client = ValkeyTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                assertThat(client.callForString("SET", "greeting", "hello")).isEqualTo("OK");
                assertThat(client.callForString("GET", "greeting")).isEqualTo("hello (via shotover)");
            } finally {
                proxy.stop();
            }
            proxy.assertNoUnexpectedWarnOrError();
            // Logback reports problems with its own configuration in status lines, not log events.
            assertThat(proxy.output()).noneMatch(line -> line.contains("|-ERROR") || line.contains("|-WARN"));
        }
    }
}
