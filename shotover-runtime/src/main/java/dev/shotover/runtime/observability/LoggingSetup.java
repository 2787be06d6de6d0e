package dev.shotover.runtime.observability;

import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Logging of the CLI: replaces whatever Logback was configured with (normally the proxy's {@code logback.xml}) by
 * a single appender writing to stdout in the {@code --log-format}, and applies Shotover's {@code main_log_level}
 * filter.
 *
 * <p>Events are handed to a background thread ({@code AsyncAppender}, 8192 events, never discarding, blocking the
 * logging thread only when the queue is full) so that the event loops do not wait on stdout. A JVM shutdown hook
 * waits up to a second for that queue to drain; the CLI should still call {@link #shutdown()} as its very last step,
 * which flushes whatever the shutdown itself logged.
 *
 * <p>An operator who points {@code -Dlogback.configurationFile} at their own configuration keeps its appenders: then
 * only the filter is applied and {@code --log-format} is ignored.
 *
 * <p>Only for when Logback is the SLF4J backend; an embedding application configures its own logging instead. Calls
 * are serialized; calling {@link #configure} again replaces the previous setup.
 */
public final class LoggingSetup {

    private LoggingSetup() {
    }

    /**
     * Configures stdout logging in {@code format} with the env_filter-style {@code filter} (e.g.
     * {@code "info, shotover=info, shotover::connection_span=info"}).
     *
     * @throws IllegalArgumentException if the filter is invalid (nothing is changed then)
     * @throws IllegalStateException if Logback is not the SLF4J backend
     */
    public static void configure(LogFormat format, String filter) {
        configure(format, LogFilter.parse(filter));
    }

    /**
     * Configures stdout logging in {@code format} with an already parsed filter (e.g. {@code main_log_level} combined
     * with an environment override by {@link LogFilter#parseAll}).
     *
     * @throws IllegalStateException if Logback is not the SLF4J backend
     */
    public static synchronized void configure(LogFormat format, LogFilter filter) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(filter, "filter");
        if (!LogLevelControl.available()) {
            throw new IllegalStateException(LogLevelControl.unavailableMessage());
        }
        LogbackConsole.configure(LoggerFactory.getILoggerFactory(), format, filter);
    }

    /**
     * Flushes queued events and stops Logback; later events are dropped. Does nothing unless Logback is the backend.
     * Call it last, after the proxy has shut down.
     */
    public static synchronized void shutdown() {
        if (LogLevelControl.available()) {
            LogbackConsole.shutdown(LoggerFactory.getILoggerFactory());
        }
    }
}
