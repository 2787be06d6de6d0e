package dev.shotover.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliOptionsTest {

    @Test
    void defaultsAreShotovers() {
        CliOptions options = CliOptions.parse();
        assertThat(options.topologyFile()).isEqualTo(Path.of("config/topology.yaml"));
        assertThat(options.configFile()).isEqualTo(Path.of("config/config.yaml"));
        assertThat(options.logFormat()).isEqualTo("human");
        assertThat(options.coreThreads()).isNull();
        assertThat(options.check()).isFalse();
    }

    @Test
    void shortLongAndEqualsForms() {
        CliOptions options = CliOptions.parse("-t", "a.yaml", "--config-file=b.yaml", "--core-threads", "3",
                "--log-format=json", "--check", "--stack-size", "2097152");
        assertThat(options.topologyFile()).isEqualTo(Path.of("a.yaml"));
        assertThat(options.configFile()).isEqualTo(Path.of("b.yaml"));
        assertThat(options.coreThreads()).isEqualTo(3);
        assertThat(options.logFormat()).isEqualTo("json");
        assertThat(options.check()).isTrue();
    }

    @Test
    void badArgumentsAreExplained() {
        assertThatThrownBy(() -> CliOptions.parse("--log-format", "xml"))
                .hasMessage("--log-format must be human or json but was 'xml'");
        assertThatThrownBy(() -> CliOptions.parse("--core-threads", "0")).hasMessage("--core-threads must be at least 1");
        assertThatThrownBy(() -> CliOptions.parse("--core-threads", "many"))
                .hasMessage("--core-threads expects a number but got 'many'");
        assertThatThrownBy(() -> CliOptions.parse("-t")).hasMessage("-t needs a value");
        assertThatThrownBy(() -> CliOptions.parse("--frobnicate")).hasMessage("unexpected argument '--frobnicate'");
    }

    @Test
    void hotReloadIsRecognisedSoItCanBeRefusedClearly() {
        assertThat(CliOptions.parse("--hotreload-socket", "/tmp/s").hotReloadSocket()).isEqualTo("/tmp/s");
    }
}
