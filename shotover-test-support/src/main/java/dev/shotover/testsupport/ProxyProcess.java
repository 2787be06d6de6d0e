package dev.shotover.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Shotover fat jar running as a child JVM, the way an operator runs it.
 *
 * <p>The jar is the system property {@value #JAR_PROPERTY} if set (the proxy module's failsafe configuration sets
 * it), else {@code shotover-proxy/target/shotover-proxy.jar} in the working directory or one of its parents. The
 * child runs {@code java -Dio.netty.leakDetection.level=paranoid -jar <jar> ...} with the same {@code java} as the
 * test JVM. Every stdout and stderr line is kept (see {@link #output()}) and echoed to {@code System.out} with a
 * {@code [shotover <pid>]} prefix so that it shows in the test report.
 *
 * <p>Typical use: {@code start} in {@code @BeforeAll}, and in {@code @AfterAll} {@link #stop()} followed by
 * {@link #assertNoUnexpectedWarnOrError}. A JVM shutdown hook kills proxies that were not stopped.
 *
 * <p><b>Threading.</b> Thread-safe; output is read by two daemon threads per process.
 */
public final class ProxyProcess implements AutoCloseable {

    /** System property naming the fat jar to run. */
    public static final String JAR_PROPERTY = "shotover.proxy.jar";

    /** Path of the fat jar relative to the repository root. */
    public static final String JAR_IN_REPO = "shotover-proxy/target/shotover-proxy.jar";

    /** The line Shotover logs once all sources are listening. */
    public static final String READY_LINE = "Shotover is now accepting inbound connections";

    /**
     * Finds the level of a human-format log line such as {@code 2026-11-21T10:00:00.123Z  WARN dev.shotover.X: msg}:
     * the first level word among the first three whitespace-separated tokens. Group 1 is the level. Anchored at the
     * start, so a level word inside a message ({@code ... INFO x: WARN y}) is not mistaken for the level. This is
     * the single place to adjust if the log format changes.
     */
    public static final Pattern LOG_LEVEL = Pattern.compile("^(?:\\S+\\s+){0,2}?(TRACE|DEBUG|INFO|WARN|ERROR)\\b");

    /** Marker of Netty's leak reports ({@code LEAK: ByteBuf.release() was not called ...}). */
    public static final String LEAK_MARKER = "LEAK:";

    /** How the JVM reports an exception that escaped a thread, bypassing the logger. */
    private static final String UNCAUGHT_EXCEPTION = "Exception in thread ";

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final List<String> JVM_ARGS = List.of("-Dio.netty.leakDetection.level=paranoid");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "shotover-proxy-cleanup"));
    }

    private final Process process;
    private final ProcessOutput output;
    private final List<String> command;

    private ProxyProcess(Process process, ProcessOutput output, List<String> command) {
        this.process = process;
        this.output = output;
        this.command = command;
    }

    /**
     * Runs {@code java -jar <jar> --topology-file T --config-file C --log-format human <extraArgs>} and waits up to
     * 30 s for {@value #READY_LINE}.
     *
     * @throws StartupException if the jar is missing, or the process exits or times out before it is ready; the
     *                          message contains the command line and all output
     */
    public static ProxyProcess start(Path topology, Path config, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--topology-file", topology.toString(),
                "--config-file", config.toString(), "--log-format", "human"));
        args.addAll(List.of(extraArgs));
        List<String> command = command(args);
        Process process = launch(command);
        ProcessOutput output = new ProcessOutput("[shotover " + process.pid() + "] ", System.out);
        output.pump(process, "shotover-" + process.pid());
        ProxyProcess proxy = new ProxyProcess(process, output, command);

        String ready;
        try {
            ready = output.await(line -> line.contains(READY_LINE), STARTUP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proxy.kill();
            throw new StartupException("interrupted while waiting for Shotover to start", e);
        }
        if (ready == null) {
            // Closed streams mean the process is exiting, even if it is not reaped yet.
            String why = output.closed()
                    ? "exited with code " + exitCodeAfterExit(process) + " before logging '" + READY_LINE + "'"
                    : "did not log '" + READY_LINE + "' within " + STARTUP_TIMEOUT.toSeconds() + " s";
            proxy.kill();
            throw new StartupException("Shotover " + why + ".\ncommand: " + String.join(" ", command)
                    + "\noutput:\n" + output.formatted());
        }
        return proxy;
    }

    /**
     * Runs the jar with {@code args} (no arguments are added) and waits for it to exit, for tests of
     * {@code --help}, {@code --check} and invalid configurations.
     *
     * @throws AssertionError if it does not exit within {@code timeout} (it is killed first)
     * @throws StartupException if the jar is missing or cannot be executed
     */
    public static CliResult runToCompletion(Duration timeout, String... args) {
        List<String> command = command(List.of(args));
        Process process = launch(command);
        ProcessOutput output = new ProcessOutput("[shotover " + process.pid() + "] ", System.out);
        output.pump(process, "shotover-cli-" + process.pid());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                output.awaitClosed(DRAIN_TIMEOUT);
                throw new AssertionError("Shotover did not exit within " + timeout.toMillis() + " ms and was killed."
                        + "\ncommand: " + String.join(" ", command) + "\noutput:\n" + output.formatted());
            }
            output.awaitClosed(DRAIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            LIVE.remove(process);
        }
        return new CliResult(process.exitValue(), output.stdout(), output.stderr(), String.join("\n", output.all()));
    }

    /**
     * The fat jar to run: the {@value #JAR_PROPERTY} system property, else {@value #JAR_IN_REPO} found by walking up
     * from the working directory.
     *
     * @throws StartupException if it does not exist, saying where it looked and how to build it
     */
    public static Path proxyJar() {
        return proxyJar(System.getProperty(JAR_PROPERTY), Path.of("").toAbsolutePath());
    }

    static Path proxyJar(String property, Path workingDir) {
        String build = "Build it with: mvn -pl shotover-proxy -am package -DskipTests";
        if (property != null && !property.isBlank()) {
            Path jar = Path.of(property).toAbsolutePath();
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            throw new StartupException("The Shotover jar given by -D" + JAR_PROPERTY + "=" + property
                    + " does not exist (" + jar + "). " + build);
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir = workingDir.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve(JAR_IN_REPO);
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            tried.add(jar);
        }
        throw new StartupException("The Shotover jar was not found: -D" + JAR_PROPERTY + " is not set and no "
                + JAR_IN_REPO + " exists in " + workingDir + " or its parents (looked at " + tried + "). " + build);
    }

    private static List<String> command(List<String> args) {
        Path jar = proxyJar();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_ARGS);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return List.copyOf(command);
    }

    private static Process launch(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new StartupException("could not execute " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        LIVE.add(process);
        try {
            // Shotover does not read stdin; an open pipe would only hold a file descriptor.
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing to free then.
        }
        return process;
    }

    private static int exitCodeAfterExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Snapshot of every output line so far (stdout and stderr, in the order read). */
    public List<String> output() {
        return output.all();
    }

    /** The command line that started this process. */
    public List<String> command() {
        return command;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for an output line containing {@code substring}, including lines already printed.
     *
     * @return the first such line
     * @throws AssertionError on timeout or when the process exits without printing one; the message has all output
     */
    public String waitForLine(String substring, Duration timeout) {
        return waitFor(line -> line.contains(substring), "containing '" + substring + "'", timeout);
    }

    /**
     * Waits for an output line in which {@code pattern} is found ({@link Matcher#find()}), including lines already
     * printed.
     *
     * @return the first such line
     * @throws AssertionError on timeout or when the process exits without printing one; the message has all output
     */
    public String waitForLine(Pattern pattern, Duration timeout) {
        return waitFor(line -> pattern.matcher(line).find(), "matching /" + pattern + "/", timeout);
    }

    private String waitFor(java.util.function.Predicate<String> matcher, String what, Duration timeout) {
        String line;
        try {
            line = output.await(matcher, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a line " + what, e);
        }
        if (line == null) {
            String why = output.closed() ? "the process exited (code " + exitCodeAfterExit(process) + ")"
                    : timeout.toMillis() + " ms passed";
            throw new AssertionError("No Shotover output line " + what + ": " + why + ".\noutput:\n"
                    + output.formatted());
        }
        return line;
    }

    /**
     * Sends SIGTERM, waits for the exit and for the remaining output (the shutdown log), and returns the exit code.
     * If the process already exited, just returns its exit code. A JVM that ends because of SIGTERM without calling
     * {@code System.exit} exits with 143.
     *
     * @throws AssertionError if it does not exit within 30 s of SIGTERM (it is then killed)
     */
    public int stop() {
        try {
            if (process.isAlive()) {
                // SIGTERM through the handle: Process.destroy() would also close our ends of stdout/stderr at once,
                // losing what the proxy logs while it shuts down (including leak reports).
                process.toHandle().destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                    throw new AssertionError("Shotover did not exit within " + STOP_TIMEOUT.toSeconds()
                            + " s of SIGTERM and was killed.\noutput:\n" + output.formatted());
                }
            }
            int exitCode = process.waitFor();
            // The readers may still hold the last lines (often the shutdown log) after the exit.
            output.awaitClosed(DRAIN_TIMEOUT);
            return exitCode;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted while stopping Shotover", e);
        } finally {
            LIVE.remove(process);
        }
    }

    private void kill() {
        // Through the handle so that the output up to the kill is still read (see stop()).
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            output.awaitClosed(DRAIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /**
     * Fails if the output so far has a WARN or ERROR line (see {@link #LOG_LEVEL}) that contains none of
     * {@code allowedSubstrings}, or any Netty leak report ({@value #LEAK_MARKER}), which is never allowed.
     * Call it after {@link #stop()} to include the shutdown log.
     *
     * @throws AssertionError listing the offending lines, followed by the full output
     */
    public void assertNoUnexpectedWarnOrError(String... allowedSubstrings) {
        List<String> lines = output.all();
        List<String> unexpected = unexpectedWarnOrErrorLines(lines, allowedSubstrings);
        if (!unexpected.isEmpty()) {
            throw new AssertionError("Shotover logged " + unexpected.size() + " unexpected WARN/ERROR/LEAK line(s)"
                    + (allowedSubstrings.length == 0 ? "" : " (allowed: " + List.of(allowedSubstrings) + ")") + ":\n  "
                    + String.join("\n  ", unexpected) + "\nfull output:\n" + output.formatted());
        }
    }

    /**
     * The lines of {@code lines} that {@link #assertNoUnexpectedWarnOrError} would reject: leak reports, and WARN or
     * ERROR lines (or the JVM's {@code Exception in thread ...} report) containing none of {@code allowedSubstrings}.
     */
    public static List<String> unexpectedWarnOrErrorLines(List<String> lines, String... allowedSubstrings) {
        List<String> unexpected = new ArrayList<>();
        for (String line : lines) {
            if (isLeakReport(line)) {
                unexpected.add(line);
            } else if ((isWarnOrError(line) || line.startsWith(UNCAUGHT_EXCEPTION))
                    && !containsAny(line, allowedSubstrings)) {
                unexpected.add(line);
            }
        }
        return unexpected;
    }

    /** The level word of a human-format log line ({@code "WARN"}), or empty for other lines (stack traces, banners). */
    public static Optional<String> levelOf(String line) {
        Matcher matcher = LOG_LEVEL.matcher(ANSI_ESCAPE.matcher(line).replaceAll(""));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether {@code line} is a log line at WARN or ERROR level. */
    public static boolean isWarnOrError(String line) {
        Optional<String> level = levelOf(line);
        return level.isPresent() && (level.get().equals("WARN") || level.get().equals("ERROR"));
    }

    /** Whether {@code line} is (part of) a Netty resource leak report. */
    public static boolean isLeakReport(String line) {
        return line.contains(LEAK_MARKER);
    }

    private static boolean containsAny(String line, String... substrings) {
        for (String allowed : substrings) {
            if (line.contains(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Stops the process if it is still running (see {@link #stop()}); the exit code is ignored. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "ProxyProcess[pid " + process.pid() + (process.isAlive() ? ", running]" : ", exited]");
    }
}
