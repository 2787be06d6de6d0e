package dev.shotover.runtime.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.ILoggerFactory;

/**
 * The Logback side of {@link LogLevelControl}; only loaded once Logback is known to be the backend.
 *
 * <p>State (the levels loggers had before the first filter, and the current filter) is kept in the
 * {@link LoggerContext}'s object map, so it lives exactly as long as the logging configuration it describes.
 * Thread-safe: every operation locks that state object.
 */
final class LogbackLevels {

    private static final String STATE_KEY = LogbackLevels.class.getName() + ".state";

    private LogbackLevels() {
    }

    /** What filters changed in one Logback context. */
    private static final class AppliedLevels {
        /** Logger name &rarr; level it had before a filter set it (null means inherited). */
        final Map<String, Level> originalLevels = new HashMap<>();
        LogFilter current;
    }

    static void apply(ILoggerFactory factory, LogFilter filter) {
        apply((LoggerContext) factory, filter);
    }

    static void apply(LoggerContext context, LogFilter filter) {
        AppliedLevels state = state(context);
        synchronized (state) {
            Map<String, Level> wanted = new HashMap<>();
            wanted.put(org.slf4j.Logger.ROOT_LOGGER_NAME, toLogback(filter.rootLevel()));
            filter.loggerLevels().forEach((name, level) -> wanted.put(name, toLogback(level)));
            // Restore loggers the new filter no longer names before setting the others, so that nothing logs at a
            // level mixed from two filters for longer than necessary.
            state.originalLevels.entrySet().removeIf(entry -> {
                if (wanted.containsKey(entry.getKey())) {
                    return false;
                }
                context.getLogger(entry.getKey()).setLevel(entry.getValue());
                return true;
            });
            wanted.forEach((name, level) -> {
                Logger logger = context.getLogger(name);
                // not putIfAbsent: a null original (the level was inherited) must be remembered too
                if (!state.originalLevels.containsKey(name)) {
                    state.originalLevels.put(name, logger.getLevel());
                }
                logger.setLevel(level);
            });
            state.current = filter;
        }
    }

    static void reset(ILoggerFactory factory) {
        reset((LoggerContext) factory);
    }

    static void reset(LoggerContext context) {
        AppliedLevels state = state(context);
        synchronized (state) {
            state.originalLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
            state.originalLevels.clear();
            state.current = null;
        }
    }

    static LogFilter current(ILoggerFactory factory) {
        AppliedLevels state = state((LoggerContext) factory);
        synchronized (state) {
            return state.current;
        }
    }

    private static AppliedLevels state(LoggerContext context) {
        // The context is the one object every caller shares; lock it only for this get-or-create.
        synchronized (context) {
            Object state = context.getObject(STATE_KEY);
            if (state instanceof AppliedLevels applied) {
                return applied;
            }
            AppliedLevels fresh = new AppliedLevels();
            context.putObject(STATE_KEY, fresh);
            return fresh;
        }
    }

    static Level toLogback(LogFilter.Level level) {
        switch (level) {
            case TRACE:
                return Level.TRACE;
            case DEBUG:
                return Level.DEBUG;
            case INFO:
                return Level.INFO;
            case WARN:
                return Level.WARN;
            case ERROR:
                return Level.ERROR;
            case OFF:
                return Level.OFF;
            default:
                throw new AssertionError(level);
        }
    }
}
