package dev.shotover.runtime.observability;

import java.util.Locale;

/**
 * The CLI's {@code --log-format}: how log events are written to stdout.
 *
 * <p>{@link #HUMAN} lines look like Shotover's:
 * {@code 2024-05-01T10:15:30.123456Z  INFO dev.shotover.runtime.Runner: Shotover is now accepting inbound connections}
 * followed by any stack trace. {@link #JSON} writes one JSON object per line (see {@link ShotoverJsonEncoder}).
 */
public enum LogFormat {
    /** Human-readable lines. */
    HUMAN,
    /** One JSON object per line, for log pipelines. */
    JSON;

    /**
     * The format named {@code human} or {@code json} (case-insensitive), as given to {@code --log-format}.
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static LogFormat parse(String name) {
        if (name != null) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "human":
                    return HUMAN;
                case "json":
                    return JSON;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("invalid value '" + name + "' for '--log-format': possible values are human, json");
    }
}
