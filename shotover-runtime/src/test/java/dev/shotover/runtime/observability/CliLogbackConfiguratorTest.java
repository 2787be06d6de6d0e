package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logback's first configuration: in code for the CLI, untouched for everyone else. */
class CliLogbackConfiguratorTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty(CliLogbackConfigurator.CLI_PROPERTY);
        System.clearProperty(LogbackConsole.CONFIGURATION_FILE_PROPERTY);
    }

    private static ExecutionStatus configure(LoggerContext context) {
        CliLogbackConfigurator configurator = new CliLogbackConfigurator();
        configurator.setContext(context);
        return configurator.configure(context);
    }

    @Test
    void theCliGetsInfoToStdoutInTheHumanFormatAndNoXmlParsing() {
        System.setProperty(CliLogbackConfigurator.CLI_PROPERTY, "true");
        LoggerContext context = new LoggerContext();

        assertThat(configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("STDOUT")).isInstanceOfSatisfying(ConsoleAppender.class, console -> {
            assertThat(console.isStarted()).isTrue();
            assertThat(console.getEncoder()).isInstanceOf(ShotoverHumanEncoder.class);
        });
        context.stop();
    }

    @Test
    void embeddedUseKeepsLogbacksOwnConfiguration() {
        LoggerContext context = new LoggerContext();

        assertThat(configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void anOperatorsConfigurationFileIsStillRead() {
        System.setProperty(CliLogbackConfigurator.CLI_PROPERTY, "true");
        System.setProperty(LogbackConsole.CONFIGURATION_FILE_PROPERTY, "/etc/shotover/logback.xml");
        LoggerContext context = new LoggerContext();

        assertThat(configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(CliLogbackConfigurator.class);
    }
}
