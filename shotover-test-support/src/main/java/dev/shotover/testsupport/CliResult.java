package dev.shotover.testsupport;

import java.util.List;

/**
 * The outcome of running the Shotover jar to completion ({@link ProxyProcess#runToCompletion}), for tests of
 * {@code --help}, {@code --check} and configuration validation failures.
 *
 * @param exitCode    the process exit code
 * @param stdoutLines standard output, one entry per line
 * @param stderrLines standard error, one entry per line
 * @param combined    both streams joined with {@code \n}, in the order the lines were read (the interleaving of lines
 *                    written close together to different streams is approximate)
 */
public record CliResult(int exitCode, List<String> stdoutLines, List<String> stderrLines, String combined) {

    /** Copies the lists so the record is immutable. */
    public CliResult {
        stdoutLines = List.copyOf(stdoutLines);
        stderrLines = List.copyOf(stderrLines);
    }

    /** Standard output as one string, lines joined with {@code \n}. */
    public String stdout() {
        return String.join("\n", stdoutLines);
    }

    /** Standard error as one string, lines joined with {@code \n}. */
    public String stderr() {
        return String.join("\n", stderrLines);
    }
}
