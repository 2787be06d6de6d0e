package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.shotover.runtime.observability.LogFilter.Level;
import org.junit.jupiter.api.Test;

class LogFilterTest {

    @Test
    void aBareLevelSetsTheRoot() {
        LogFilter filter = LogFilter.parse("info");

        assertThat(filter.rootLevel()).isEqualTo(Level.INFO);
        assertThat(filter.loggerLevels()).isEmpty();
    }

    @Test
    void shotoverTargetsMapToTheDevShotoverLoggers() {
        LogFilter filter = LogFilter.parse("info, shotover_proxy=info, shotover::connection_span=info");

        assertThat(filter.rootLevel()).isEqualTo(Level.INFO);
        assertThat(filter.loggerLevels()).containsExactly(
                entry("dev.shotover", Level.INFO), entry("dev.shotover.connection_span", Level.INFO));
    }

    @Test
    void directivesAreWhitespaceTolerantAndCaseInsensitive() {
        LogFilter filter = LogFilter.parse("  WARN ,shotover = Debug,\tshotover::connection_span=DEBUG , ");

        assertThat(filter.rootLevel()).isEqualTo(Level.WARN);
        assertThat(filter.loggerLevels()).containsExactly(
                entry("dev.shotover", Level.DEBUG), entry("dev.shotover.connection_span", Level.DEBUG));
        assertThat(filter).hasToString("WARN,shotover = Debug,shotover::connection_span=DEBUG");
    }

    @Test
    void otherTargetsAreJavaLoggerNamesWithModuleSeparatorsReplaced() {
        LogFilter filter = LogFilter.parse("error,io.netty=warn,tokio::net=trace,org.apache.kafka.clients=off");

        assertThat(filter.loggerLevels()).containsExactly(
                entry("io.netty", Level.WARN), entry("tokio.net", Level.TRACE),
                entry("org.apache.kafka.clients", Level.OFF));
        assertThat(LogFilter.loggerNameFor("shotover::transforms::valkey")).isEqualTo("dev.shotover.transforms.valkey");
        assertThat(LogFilter.loggerNameFor("shotover_proxy")).isEqualTo("dev.shotover");
        assertThat(LogFilter.loggerNameFor("shotover_proxyx")).isEqualTo("shotover_proxyx");
    }

    @Test
    void everyLevelNameAndDigitParses() {
        assertThat(LogFilter.parse("trace").rootLevel()).isEqualTo(Level.TRACE);
        assertThat(LogFilter.parse("debug").rootLevel()).isEqualTo(Level.DEBUG);
        assertThat(LogFilter.parse("Info").rootLevel()).isEqualTo(Level.INFO);
        assertThat(LogFilter.parse("warn").rootLevel()).isEqualTo(Level.WARN);
        assertThat(LogFilter.parse("ERROR").rootLevel()).isEqualTo(Level.ERROR);
        assertThat(LogFilter.parse("off").rootLevel()).isEqualTo(Level.OFF);
        assertThat(LogFilter.parse("x=0,y=5").loggerLevels()).containsExactly(
                entry("x", Level.OFF), entry("y", Level.TRACE));
    }

    @Test
    void laterDirectivesWin() {
        LogFilter filter = LogFilter.parse("info,shotover=debug,warn,shotover=error");

        assertThat(filter.rootLevel()).isEqualTo(Level.WARN);
        assertThat(filter.loggerLevels()).containsExactly(entry("dev.shotover", Level.ERROR));
    }

    @Test
    void parseAllLetsAnOverrideWinAndSkipsNulls() {
        LogFilter filter = LogFilter.parseAll("info,shotover=info", null, "debug,io.netty=warn");

        assertThat(filter.rootLevel()).isEqualTo(Level.DEBUG);
        assertThat(filter.loggerLevels()).containsExactly(
                entry("dev.shotover", Level.INFO), entry("io.netty", Level.WARN));
        assertThat(filter).isEqualTo(LogFilter.parse("debug,shotover=info,io.netty=warn"));
    }

    @Test
    void likeEnvFilterAFilterWithoutABareLevelDisablesEverythingElse() {
        assertThat(LogFilter.parse("shotover=debug").rootLevel()).isEqualTo(Level.OFF);
        assertThat(LogFilter.parse("").rootLevel()).isEqualTo(Level.ERROR);
        assertThat(LogFilter.parse(" , ").rootLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void aBareTargetEnablesAllItsLevels() {
        // The user guide's example ends with this typo; env_filter reads it as a target with every level enabled.
        LogFilter filter = LogFilter.parse("info, shotover_proxy=info, shotover::connection_span::info");

        assertThat(filter.loggerLevels()).containsEntry("dev.shotover.connection_span.info", Level.TRACE);
        assertThat(filter.rootLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void invalidDirectivesAreNamedInTheError() {
        assertThatThrownBy(() -> LogFilter.parse("good=info,bad=blah,warn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid filter directive: bad=blah")
                .hasMessageContaining("'blah' is not a level");
        assertThatThrownBy(() -> LogFilter.parse("info,=debug"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid filter directive: =debug");
        assertThatThrownBy(() -> LogFilter.parse("shotover="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid filter directive: shotover=");
        assertThatThrownBy(() -> LogFilter.parse("a=b=c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid filter directive: a=b=c");
        assertThatThrownBy(() -> LogFilter.parse("info,my target=debug"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid filter directive: my target=debug");
        assertThatThrownBy(() -> LogFilter.parse("shotover[conn{id=1}]=debug"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("span and field filters are not supported");
        assertThatThrownBy(() -> LogFilter.parse("a:b=info"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a:b' is not a valid target");
    }
}
