package dev.shotover.runtime.observability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A log filter written in Shotover's {@code env_filter} syntax (config.yaml's {@code main_log_level}, the body of
 * {@code PUT /filter}), translated to Java logger levels.
 *
 * <p>Syntax: comma-separated directives, whitespace around them ignored, empty ones skipped.
 * <ul>
 *   <li>{@code level} sets the root level; the last one wins.</li>
 *   <li>{@code target=level} sets the level of a logger and everything below it.</li>
 *   <li>{@code target} alone enables every level for that logger (as {@code target=trace}), like env_filter.</li>
 * </ul>
 * Levels: {@code trace, debug, info, warn, error, off}, case-insensitive, or env_filter's digits {@code 0}
 * (off) to {@code 5} (trace). Targets: {@code shotover} and {@code shotover_proxy} mean the logger {@code dev.shotover};
 * {@code shotover::a::b} (or {@code shotover_proxy::a::b}) means {@code dev.shotover.a.b}; any other target has
 * {@code ::} replaced by {@code .} and is a Java logger name as-is, so {@code io.netty=warn} works.
 *
 * <p>As with env_filter, a filter without a bare level disables everything its directives do not match (the root
 * level is {@link Level#OFF}), and a filter with no directive at all enables errors only. Span and field filters
 * ({@code target[span{field=value}]=level}) have no Java equivalent and are rejected.
 *
 * <p>Immutable and thread-safe. Parsing does not touch any logging backend; {@link LogLevelControl} applies a filter.
 */
public final class LogFilter {

    /** A logger level in env_filter's order, most verbose first. */
    public enum Level {
        /** Everything. */
        TRACE,
        /** Debug and above. */
        DEBUG,
        /** Info and above. */
        INFO,
        /** Warnings and errors. */
        WARN,
        /** Errors only. */
        ERROR,
        /** Nothing. */
        OFF;

        /** The level named {@code text} (case-insensitive, or a digit 0-5 as env_filter accepts), or null. */
        static Level parseOrNull(String text) {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "trace":
                case "5":
                    return TRACE;
                case "debug":
                case "4":
                    return DEBUG;
                case "info":
                case "3":
                    return INFO;
                case "warn":
                case "2":
                    return WARN;
                case "error":
                case "1":
                    return ERROR;
                case "off":
                case "0":
                    return OFF;
                default:
                    return null;
            }
        }
    }

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");
    private static final String SHOTOVER_LOGGER = "dev.shotover";

    private final Level rootLevel;
    private final Map<String, Level> loggerLevels;
    private final String text;

    private LogFilter(Level rootLevel, Map<String, Level> loggerLevels, String text) {
        this.rootLevel = rootLevel;
        this.loggerLevels = Collections.unmodifiableMap(loggerLevels);
        this.text = text;
    }

    /**
     * Parses one filter string.
     *
     * @throws IllegalArgumentException {@code "invalid filter directive: <directive>"} plus the reason, for the first
     *     invalid directive
     */
    public static LogFilter parse(String filter) {
        Objects.requireNonNull(filter, "filter");
        return parseAll(filter);
    }

    /**
     * Parses several filter strings as one, later directives overriding earlier ones; null strings are skipped. This is
     * how Shotover combines {@code main_log_level} with an environment override:
     * {@code parseAll(config.mainLogLevel(), System.getenv("RUST_LOG"))}.
     *
     * @throws IllegalArgumentException as for {@link #parse}
     */
    public static LogFilter parseAll(String... filters) {
        Level root = null;
        boolean anyDirective = false;
        Map<String, Level> loggers = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (String filter : filters) {
            if (filter == null) {
                continue;
            }
            for (String part : filter.split(",", -1)) {
                String directive = part.trim();
                if (directive.isEmpty()) {
                    continue;
                }
                anyDirective = true;
                if (text.length() > 0) {
                    text.append(',');
                }
                text.append(directive);
                int equals = directive.indexOf('=');
                if (directive.indexOf('[') >= 0 || directive.indexOf('{') >= 0) {
                    throw invalid(directive, "span and field filters are not supported");
                }
                if (equals < 0) {
                    Level level = Level.parseOrNull(directive);
                    if (level != null) {
                        root = level;
                    } else {
                        String logger = loggerNameOrThrow(directive, directive);
                        loggers.remove(logger);
                        loggers.put(logger, Level.TRACE);
                    }
                    continue;
                }
                String target = directive.substring(0, equals).trim();
                String levelText = directive.substring(equals + 1).trim();
                if (target.isEmpty()) {
                    throw invalid(directive, "missing target before '='");
                }
                Level level = Level.parseOrNull(levelText);
                if (level == null) {
                    throw invalid(directive,
                            "'" + levelText + "' is not a level (trace, debug, info, warn, error or off)");
                }
                String logger = loggerNameOrThrow(target, directive);
                // Re-inserting keeps the map in the order the directives take effect.
                loggers.remove(logger);
                loggers.put(logger, level);
            }
        }
        if (root == null) {
            root = anyDirective ? Level.OFF : Level.ERROR;
        }
        return new LogFilter(root, new LinkedHashMap<>(loggers), text.toString());
    }

    /**
     * The Java logger name for an env_filter target: {@code shotover} and {@code shotover_proxy} become
     * {@code dev.shotover}, {@code ::} becomes {@code .}.
     *
     * @throws IllegalArgumentException if the target is not a module path or logger name
     */
    public static String loggerNameFor(String target) {
        return loggerNameOrThrow(target, target);
    }

    private static String loggerNameOrThrow(String target, String directive) {
        String name = target.replace("::", ".");
        if (!TARGET.matcher(name).matches()) {
            throw invalid(directive, "'" + target + "' is not a valid target");
        }
        for (String shotoverCrate : new String[] {"shotover_proxy", "shotover"}) {
            if (name.equals(shotoverCrate)) {
                return SHOTOVER_LOGGER;
            }
            if (name.startsWith(shotoverCrate + ".")) {
                return SHOTOVER_LOGGER + name.substring(shotoverCrate.length());
            }
        }
        return name;
    }

    private static IllegalArgumentException invalid(String directive, String reason) {
        return new IllegalArgumentException("invalid filter directive: " + directive + " (" + reason + ")");
    }

    /**
     * The level of the root logger: the last bare level, else {@link Level#OFF} when the filter has directives (only
     * what they name is enabled), else {@link Level#ERROR} for an empty filter.
     */
    public Level rootLevel() {
        return rootLevel;
    }

    /** Logger name &rarr; level, in the order the directives take effect; unmodifiable, without the root logger. */
    public Map<String, Level> loggerLevels() {
        return loggerLevels;
    }

    /** The directives as given, trimmed and joined with commas. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogFilter other && rootLevel == other.rootLevel && loggerLevels.equals(other.loggerLevels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rootLevel, loggerLevels);
    }
}
