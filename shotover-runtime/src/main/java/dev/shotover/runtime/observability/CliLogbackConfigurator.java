package dev.shotover.runtime.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's initial configuration when the proxy runs as the CLI ({@code java -jar shotover-proxy.jar}): INFO to
 * stdout in the human format, set up in code. It replaces parsing the proxy's {@code logback.xml}, whose XML
 * configurator took 100-400 ms of a startup of 0.5-1.5 s (docs/performance.md), only for
 * {@link LoggingSetup#configure} to replace that configuration a moment later.
 *
 * <p>Logback finds this class through {@code META-INF/services} and asks it first. It acts only when the CLI has
 * set the system property {@value #CLI_PROPERTY} and the operator has not named a configuration file with
 * {@code -Dlogback.configurationFile}; otherwise it leaves the context untouched and Logback carries on as usual,
 * so applications that embed the runtime keep their own {@code logback.xml}.
 *
 * <p>Called by Logback once, on the thread that first asks for a logger.
 */
public final class CliLogbackConfigurator extends ContextAwareBase implements Configurator {
    /** The system property the CLI sets before anything logs. */
    public static final String CLI_PROPERTY = "shotover.cli";

    /** For the {@link java.util.ServiceLoader}. */
    public CliLogbackConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!Boolean.getBoolean(CLI_PROPERTY) || System.getProperty(LogbackConsole.CONFIGURATION_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ShotoverHumanEncoder encoder = new ShotoverHumanEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
