package dev.shotover.runtime.tls;

import static dev.shotover.runtime.tls.TlsFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.chain.TopologyBuilder;
import dev.shotover.runtime.chain.TopologyBuilder.BuiltSource;
import dev.shotover.runtime.chain.TopologyException;
import dev.shotover.runtime.cli.ShotoverMain;
import dev.shotover.runtime.config.ConfigLoader;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.ProxyMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's {@code tls:} is loaded when the topology is built, and bad files fail the build and {@code --check}. */
class TlsTopologyTest {
    @TempDir
    Path dir;

    /** A terminating transform that answers nothing, so that chains validate without the built-in transforms. */
    public record TlsTestSinkConfig(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return transformContext -> state -> CompletableFuture.completedFuture(List.of());
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }

    /** Registers {@link TlsTestSinkConfig} as {@code TlsTestSink}. */
    public static final class TlsTestSinkFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "TlsTestSink";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return TlsTestSinkConfig.class;
        }
    }

    private static List<BuiltSource> build(String yaml) {
        TransformRegistry registry = TransformRegistry.of(new TlsTestSinkFactory());
        return new TopologyBuilder(registry, new ProxyMetrics())
                .build(new ConfigLoader(registry).parseTopology(yaml, "<topology>"));
    }

    private static String topology(String certificate, String key, String ca) {
        String tls = certificate == null ? "" : "      tls:\n"
                + "        certificate_path: \"" + certificate + "\"\n"
                + "        private_key_path: \"" + key + "\"\n"
                + (ca == null ? "" : "        certificate_authority_path: \"" + ca + "\"\n");
        return "sources:\n"
                + "  - Valkey:\n"
                + "      name: \"valkey\"\n"
                + "      listen_addr: \"127.0.0.1:0\"\n"
                + tls
                + "      chain:\n"
                + "        - TlsTestSink\n";
    }

    @Test
    void validSettingsGiveTheSourceAnAcceptor() {
        List<BuiltSource> built = build(topology(path("server.pem"), path("server.key"), path("ca.pem")));
        assertThat(built).singleElement().satisfies(source -> {
            assertThat(source.tls()).isNotNull();
            assertThat(source.tls().requiresClientCertificate()).isTrue();
            source.chain().close();
        });
        List<BuiltSource> plain = build(topology(null, null, null));
        assertThat(plain).singleElement().satisfies(source -> assertThat(source.tls()).isNull());
    }

    @Test
    void missingFileIsATopologyErrorUnderItsSource() {
        String missing = dir.resolve("server.pem").toString();
        assertThatThrownBy(() -> build(topology(missing, path("server.key"), null)))
                .isInstanceOf(TopologyException.class)
                .hasMessage("Topology errors\nvalkey source:\n  tls.certificate_path: " + missing + ": no such file");
    }

    @Test
    void checkReportsTheSettingPathAndReasonAndFails() throws IOException {
        String missingKey = dir.resolve("keys/server.key").toString();
        Path topology = Files.writeString(dir.resolve("topology.yaml"), """
                sources:
                  - Kafka:
                      name: "kafka"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%s"
                        private_key_path: "%s"
                      chain: []
                """.formatted(path("server.pem"), missingKey));
        Path config = Files.writeString(dir.resolve("config.yaml"), "main_log_level: \"info\"\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ShotoverMain.run(new String[] {"--check", "-t", topology.toString(), "-c", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("kafka source:")
                .contains("  tls.private_key_path: " + missingKey + ": no such file");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("are valid");
    }
}
