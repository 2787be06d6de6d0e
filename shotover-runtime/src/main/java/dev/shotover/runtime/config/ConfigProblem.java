package dev.shotover.runtime.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file, located as precisely as the loader could.
 *
 * <p>Rendered by {@link #toString()} as {@code source:line:column: path: message}, e.g.
 * {@code topology.yaml:7:9: sources[0].Valkey.chain[1].ValkeySinkSingle: unknown field 'remote_adress'; ...}.
 * Parts that are unknown are left out: a problem with the whole file (say, a missing file) has no position and no
 * path.
 *
 * <p>Immutable.
 *
 * @param source the file (as given by the user) or another name of the text, e.g. {@code <string>}
 * @param line 1-based line, or 0 when the problem has no position
 * @param column 1-based column, or 0 when the problem has no position
 * @param path where in the document the problem is, e.g. {@code sources[0].Valkey.listen_addr}; empty for the
 *     document itself
 * @param message what is wrong, one sentence without a trailing period
 */
public record ConfigProblem(String source, int line, int column, String path, String message) {

    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        path = path == null ? "" : path;
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0");
        }
    }

    /** A problem with the whole source rather than a place in it. */
    public static ConfigProblem ofSource(String source, String message) {
        return new ConfigProblem(source, 0, 0, "", message);
    }

    /** Whether {@link #line()} and {@link #column()} point somewhere. */
    public boolean hasPosition() {
        return line > 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(source);
        if (hasPosition()) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!path.isEmpty()) {
            text.append(path).append(": ");
        }
        return text.append(message).toString();
    }
}
