package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelControlTest {

    @AfterEach
    void undoFilters() {
        LogLevelControl.reset();
    }

    @Test
    void logbackIsTheBackendInTests() {
        assertThat(LogLevelControl.available()).isTrue();
    }

    @Test
    void applyingAFilterChangesWhetherALoggerLogsDebug() {
        org.slf4j.Logger transform = LoggerFactory.getLogger("dev.shotover.transforms.Example");
        org.slf4j.Logger netty = LoggerFactory.getLogger("io.netty.channel.Example");

        LogLevelControl.apply(LogFilter.parse("info"));
        assertThat(transform.isDebugEnabled()).isFalse();
        assertThat(transform.isInfoEnabled()).isTrue();

        LogLevelControl.apply(LogFilter.parse("info, shotover=debug"));
        assertThat(transform.isDebugEnabled()).isTrue();
        assertThat(netty.isDebugEnabled()).isFalse();
        assertThat(LogLevelControl.current()).isEqualTo(LogFilter.parse("info,shotover=debug"));

        // The next filter no longer names shotover: its level is undone, so it follows the root again.
        LogLevelControl.apply(LogFilter.parse("warn"));
        assertThat(transform.isDebugEnabled()).isFalse();
        assertThat(transform.isInfoEnabled()).isFalse();
        assertThat(transform.isWarnEnabled()).isTrue();
        assertThat(((Logger) LoggerFactory.getLogger("dev.shotover")).getLevel()).isNull();
    }

    @Test
    void aTargetNamedByTwoFiltersInARowIsStillUndoneByAThird() {
        // regression: the inherited (null) original level was overwritten by the first filter's level
        org.slf4j.Logger transform = LoggerFactory.getLogger("dev.shotover.transforms.Example");
        LogLevelControl.apply(LogFilter.parse("info, shotover=info"));
        LogLevelControl.apply(LogFilter.parse("info, shotover=debug"));
        LogLevelControl.apply(LogFilter.parse("error"));
        assertThat(transform.isInfoEnabled()).isFalse();
        assertThat(transform.isErrorEnabled()).isTrue();
        assertThat(((Logger) LoggerFactory.getLogger("dev.shotover")).getLevel()).isNull();
    }

    @Test
    void resetRestoresTheLevelsLoggersHadBeforeAnyFilter() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger configured = (Logger) LoggerFactory.getLogger("test.observability.Configured");
        Level rootBefore = root.getLevel();
        configured.setLevel(Level.WARN);
        try {
            LogLevelControl.apply(LogFilter.parse("error,test.observability.Configured=trace"));
            assertThat(configured.getLevel()).isEqualTo(Level.TRACE);
            LogLevelControl.apply(LogFilter.parse("error,test.observability.Configured=debug"));
            assertThat(configured.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(root.getLevel()).isEqualTo(Level.ERROR);

            LogLevelControl.apply(LogFilter.parse("info"));
            assertThat(configured.getLevel()).isEqualTo(Level.WARN);

            LogLevelControl.reset();
            assertThat(root.getLevel()).isEqualTo(rootBefore);
            assertThat(LogLevelControl.current()).isNull();
        } finally {
            configured.setLevel(null);
        }
    }

    @Test
    void aFilterWithoutBareLevelTurnsTheRestOff() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        LogbackLevels.apply(context, LogFilter.parse("shotover=debug"));

        assertThat(context.getLogger("dev.shotover.runtime.X").isDebugEnabled()).isTrue();
        assertThat(context.getLogger("io.netty.X").isErrorEnabled()).isFalse();
    }
}
