package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.chain.TopologyException;
import dev.shotover.runtime.cli.ShotoverMain;
import dev.shotover.runtime.config.ConfigException;
import dev.shotover.testsupport.CliResult;
import dev.shotover.testsupport.ProxyProcess;
import dev.shotover.testsupport.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every topology validation error, with Shotover's exact texts: through the CLI (exit code 1, the report on
 * stderr) and through the embedding API (an exception with the same text). All errors of a topology are reported
 * together.
 */
class TopologyValidationIT {

    private static String source(String name, String chain) {
        return """
                  - Valkey:
                      name: "%s"
                      listen_addr: "127.0.0.1:0"
                      chain:
                %s
                """.formatted(name, chain.indent(8).stripTrailing());
    }

    private static String topology(String... sources) {
        return "sources:\n" + String.join("", sources);
    }

    static Stream<Arguments> invalidTopologies() {
        return Stream.of(
                Arguments.of("non-terminating transform last",
                        topology(source("valkey", "- DebugPrinter:\n    name: \"printer\""))),
                Arguments.of("terminating transform not last",
                        topology(source("valkey", "- NullSink:\n    name: \"first\"\n- NullSink:\n    name: \"second\""))),
                Arguments.of("empty chain", topology(source("valkey", "[]"))),
                Arguments.of("protocol mismatch", topology(source("valkey", "- CassandraOnly"))),
                Arguments.of("duplicate source names",
                        topology(source("valkey", "- NullSink"), source("valkey", "- NullSink"))),
                Arguments.of("duplicate transform names",
                        topology(source("a", "- NullSink:\n    name: \"sink\""), source("b", "- NullSink:\n    name: \"sink\""))),
                Arguments.of("errors of several sources together",
                        topology(source("a", "- DebugPrinter"), source("b", "- NullSink\n- DebugPrinter"))));
    }

    static String expectedReport(String caseName) {
        return switch (caseName) {
            case "non-terminating transform last" -> """
                    Topology errors
                    valkey source:
                      valkey chain:
                        Non-terminating Transform DebugPrinter named "printer" is last in chain. Last Transform must be terminating.""";
            case "terminating transform not last" -> """
                    Topology errors
                    valkey source:
                      valkey chain:
                        Terminating Transform NullSink named "first" is not last in chain. Terminating Transform must be last in chain.""";
            case "empty chain" -> """
                    Topology errors
                    valkey source:
                      valkey chain:
                        Chain cannot be empty""";
            case "protocol mismatch" -> """
                    Topology errors
                    valkey source:
                      valkey chain:
                        Transform CassandraOnly requires upchain protocol to be one of [Cassandra] but was Valkey""";
            case "duplicate source names" -> """
                    Topology errors
                    Source name "valkey" is used by 2 sources; source names must be unique (set name: on each source)""";
            case "duplicate transform names" -> """
                    Topology errors
                    Transform name "sink" is used by more than one transform; transform names must be unique across the topology""";
            case "errors of several sources together" -> """
                    Topology errors
                    a source:
                      a chain:
                        Non-terminating Transform DebugPrinter named "DebugPrinter" is last in chain. Last Transform must be terminating.
                    b source:
                      b chain:
                        Terminating Transform NullSink named "NullSink" is not last in chain. Terminating Transform must be last in chain.
                        Non-terminating Transform DebugPrinter named "DebugPrinter" is last in chain. Last Transform must be terminating.""";
            default -> throw new IllegalArgumentException(caseName);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTopologies")
    void cliExitsWithOneAndPrintsTheReport(String caseName, String yaml) {
        Path topology = TestFiles.writeTemp("topology.yaml", yaml);
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"warn\"\n");
        Cli result = cli("--topology-file", topology.toString(), "--config-file", config.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEqualTo(expectedReport(caseName) + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTopologies")
    void embeddingApiThrowsTheSameReport(String caseName, String yaml) {
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(yaml).build())
                .isInstanceOf(TopologyException.class)
                .hasMessage(expectedReport(caseName));
    }

    @Test
    void unknownTransformAndUnknownFieldNameFileLineAndColumn() {
        String yaml = topology(source("valkey", "- ValkeySinkSingle:\n    remote_adress: \"127.0.0.1:1\"\n- Nope"));
        Path topology = TestFiles.writeTemp("topology.yaml", yaml);
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"warn\"\n");
        Cli result = cli("-t", topology.toString(), "-c", config.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains(topology + ":7:")
                .contains("unknown field 'remote_adress'; expected one of: name, remote_address, tls, connect_timeout_ms, read_timeout")
                .contains(topology + ":8:")
                .contains("unknown transform 'Nope'; known transforms: ")
                .contains("DebugPrinter, DebugReturner");
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyFile(topology).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage(result.stderr().strip());
    }

    @Test
    void checkFlagValidatesWithoutStarting() {
        Path topology = TestFiles.writeTemp("topology.yaml", topology(source("valkey", "- NullSink")));
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"warn\"\n");
        Cli result = cli("--check", "-t", topology.toString(), "-c", config.toString());
        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.stdout()).contains("are valid");
    }

    @Test
    void checkFlagAlsoValidatesTheConfigFile() {
        Path topology = TestFiles.writeTemp("topology.yaml", topology(source("valkey", "- NullSink")));
        Path config = TestFiles.writeTemp("config.yaml", "observability_interface: \"nonsense\"\n");
        Cli result = cli("--check", "-t", topology.toString(), "-c", config.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr().strip()).startsWith(config + ":1:1: ")
                .endsWith("observability_interface: expected host:port but was \"nonsense\"");
    }

    @Test
    void theFatJarReportsValidationErrorsWithExitCodeOne() {
        Path topology = TestFiles.writeTemp("topology.yaml",
                topology(source("valkey", "- DebugPrinter:\n    name: \"printer\"")));
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"warn\"\n");
        CliResult result = ProxyProcess.runToCompletion(Duration.ofSeconds(60),
                "--topology-file", topology.toString(), "--config-file", config.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains(expectedReport("non-terminating transform last"));

        CliResult help = ProxyProcess.runToCompletion(Duration.ofSeconds(60), "--help");
        assertThat(help.exitCode()).isEqualTo(0);
        assertThat(help.stdout()).contains("--topology-file").contains("--log-format").contains("--check");
    }

    record Cli(int exitCode, String stdout, String stderr) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ShotoverMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
