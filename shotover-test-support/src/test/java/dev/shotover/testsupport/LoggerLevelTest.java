package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggerLevelTest {
    @Test
    void setsTheLevelAndPutsTheLoggersOwnBack() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.shotover.testsupport.LoggerLevelTest.own");
        logger.setLevel(Level.DEBUG);
        try (LoggerLevel quiet = new LoggerLevel(logger.getName(), Level.ERROR).set()) {
            assertThat(logger.getLevel()).isEqualTo(Level.ERROR);
            quiet.set(); // a second set must not take ERROR for the level to restore
        }
        assertThat(logger.getLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void aLoggerThatInheritedItsLevelInheritsAgain() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.shotover.testsupport.LoggerLevelTest.inherited");
        assertThat(logger.getLevel()).isNull();
        LoggerLevel quiet = new LoggerLevel(logger.getName(), Level.WARN);
        quiet.beforeAll(null);
        assertThat(logger.getLevel()).isEqualTo(Level.WARN);
        assertThat(logger.isInfoEnabled()).isFalse();
        quiet.afterAll(null);
        assertThat(logger.getLevel()).isNull();
        quiet.close(); // already restored: nothing to do
        assertThat(logger.getLevel()).isNull();
    }
}
