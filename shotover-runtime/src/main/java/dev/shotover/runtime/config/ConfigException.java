package dev.shotover.runtime.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file could not be loaded. Carries every problem found in the file, not only the first, so that a
 * user can fix them all in one go; {@link #getMessage()} lists them one per line, each as
 * {@code file:line:column: path: message}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    /**
     * @param problems at least one problem, in the order they should be reported
     */
    public ConfigException(List<ConfigProblem> problems) {
        this(problems, null);
    }

    /**
     * @param problems at least one problem, in the order they should be reported
     * @param cause the underlying failure (an I/O error, say), or null
     */
    public ConfigException(List<ConfigProblem> problems, Throwable cause) {
        super(render(problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** A single problem. */
    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    /** Every problem, in report order (by position within a file); never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
