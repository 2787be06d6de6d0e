package dev.shotover.runtime.observability;

import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link LogFilter} to the running logging backend, the Java counterpart of Shotover's filter hot reload
 * ({@code PUT /filter}).
 *
 * <p>Only Logback can be driven: logback-classic is an optional dependency of the runtime, present in the CLI
 * distribution, while an embedding application may bring any SLF4J backend. {@link #available()} says whether Logback
 * is the active backend; when it is not, {@link #apply} and {@link #reset} throw and callers report that log-level
 * changes are unavailable. No Logback class is loaded unless Logback is the backend.
 *
 * <p>Each {@link #apply} first undoes the previous filter (loggers it set get back the level they had before any filter
 * touched them, typically the one from {@code logback.xml}, or none so that they inherit) and then sets the root
 * logger and every logger the new filter names. That bookkeeping lives in the Logback context, since log levels are
 * JVM-wide: it is shared by every caller, including {@link LoggingSetup} and every {@link ObservabilityServer}.
 *
 * <p>Thread-safe: applications are serialized per Logback context.
 */
public final class LogLevelControl {

    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private LogLevelControl() {
    }

    /** Whether Logback is the SLF4J backend, so that levels can be changed at runtime. */
    public static boolean available() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        // Compare names rather than using instanceof so that this class never links against Logback.
        for (Class<?> type = factory.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(LOGBACK_CONTEXT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Undoes the previous filter and applies {@code filter}.
     *
     * @throws IllegalStateException if Logback is not the SLF4J backend
     */
    public static void apply(LogFilter filter) {
        Objects.requireNonNull(filter, "filter");
        requireLogback();
        LogbackLevels.apply(LoggerFactory.getILoggerFactory(), filter);
    }

    /**
     * Undoes every filter applied so far: each logger a filter touched gets back the level it had before.
     *
     * @throws IllegalStateException if Logback is not the SLF4J backend
     */
    public static void reset() {
        requireLogback();
        LogbackLevels.reset(LoggerFactory.getILoggerFactory());
    }

    /** The filter applied last, or null if none was applied (or {@link #reset} was called since). */
    public static LogFilter current() {
        if (!available()) {
            return null;
        }
        return LogbackLevels.current(LoggerFactory.getILoggerFactory());
    }

    private static void requireLogback() {
        if (!available()) {
            throw new IllegalStateException(unavailableMessage());
        }
    }

    static String unavailableMessage() {
        return "log level changes are unavailable: the SLF4J backend is "
                + LoggerFactory.getILoggerFactory().getClass().getName() + ", not Logback";
    }
}
