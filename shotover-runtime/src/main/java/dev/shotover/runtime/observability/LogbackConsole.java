package dev.shotover.runtime.observability;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.concurrent.TimeUnit;
import org.slf4j.ILoggerFactory;

/**
 * The Logback side of {@link LoggingSetup}; only loaded once Logback is known to be the backend. Not thread-safe on
 * its own: {@link LoggingSetup} serializes calls.
 */
final class LogbackConsole {

    static final int QUEUE_SIZE = 8192;
    private static final String HOOK_KEY = LogbackConsole.class.getName() + ".shutdownHook";
    private static final long DRAIN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private LogbackConsole() {
    }

    /** The system property naming an operator's own Logback configuration file. */
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    static void configure(ILoggerFactory factory, LogFormat format, LogFilter filter) {
        LoggerContext context = (LoggerContext) factory;
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null) {
            // The operator chose their own appenders (files, syslog, ...): keep them and only apply the filter.
            LogbackLevels.apply(context, filter);
            return;
        }
        // The reset in configure() clears the context's object map, so remember whether the hook is installed.
        Object hook = context.getObject(HOOK_KEY);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("STDOUT");
        configure(context, console, format, filter);
        if (hook == null) {
            Thread drain = new Thread(() -> awaitDrained(context), "shotover-log-drain");
            Runtime.getRuntime().addShutdownHook(drain);
            hook = drain;
        }
        context.putObject(HOOK_KEY, hook);
    }

    /**
     * Resets {@code context} and makes {@code target} (wrapped in an async appender) its only appender, writing in
     * {@code format}; then applies {@code filter}. Package-private so tests can write to a buffer.
     */
    static AsyncAppender configure(LoggerContext context, OutputStreamAppender<ILoggingEvent> target, LogFormat format,
            LogFilter filter) {
        // reset() stops (and so flushes) the previous appenders, and forgets levels set by earlier filters.
        context.reset();
        Encoder<ILoggingEvent> encoder = format == LogFormat.JSON ? new ShotoverJsonEncoder() : new ShotoverHumanEncoder();
        encoder.setContext(context);
        encoder.start();
        target.setContext(context);
        target.setEncoder(encoder);
        target.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC_STDOUT");
        async.setQueueSize(QUEUE_SIZE);
        // Keep every event: the default drops TRACE..INFO once the queue is 80% full.
        async.setDiscardingThreshold(0);
        async.setNeverBlock(false);
        async.setIncludeCallerData(false);
        async.addAppender(target);
        async.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(async);
        LogbackLevels.apply(context, filter);
        return async;
    }

    static void shutdown(ILoggerFactory factory) {
        ((LoggerContext) factory).stop();
    }

    /** Waits (bounded) for the async queue to empty, without stopping logging: other shutdown hooks may still log. */
    private static void awaitDrained(LoggerContext context) {
        long deadline = System.nanoTime() + DRAIN_WAIT_NANOS;
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        while (System.nanoTime() < deadline) {
            if (root.getAppender("ASYNC_STDOUT") instanceof AsyncAppender async
                    && async.isStarted() && async.getNumberOfElementsInQueue() > 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else {
                return;
            }
        }
    }
}
