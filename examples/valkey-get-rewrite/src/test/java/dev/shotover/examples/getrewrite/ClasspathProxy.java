package dev.shotover.examples.getrewrite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The proxy's CLI ({@code dev.shotover.runtime.cli.ShotoverMain}) run as a child JVM with a class path of several
 * jars, the way an operator adds custom transforms to the proxy jar:
 * {@code java -cp shotover-proxy.jar:my-transforms.jar dev.shotover.runtime.cli.ShotoverMain ...}.
 * ({@code ProxyProcess} from the test support runs {@code java -jar}, which ignores {@code -cp}.)
 *
 * <p>Output lines (stdout and stderr merged) are collected by a reader thread and echoed with a prefix.
 */
final class ClasspathProxy implements AutoCloseable {
    static final String MAIN_CLASS = "dev.shotover.runtime.cli.ShotoverMain";

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ClasspathProxy(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "classpath-proxy-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -cp <jars> ShotoverMain <args>}. */
    static ClasspathProxy start(List<Path> classpath, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dio.netty.leakDetection.level=paranoid");
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(MAIN_CLASS);
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            return new ClasspathProxy(process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        }
    }

    /** Runs to completion and returns the exit code; {@link #output()} then has everything it printed. */
    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the proxy did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Waits until a line contains {@code text}; fails with the output if the process exits first or time runs out. */
    void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(line -> line.contains(text))) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no line containing '" + text + "'; output:\n" + output());
                }
                lines.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
    }

    /** Everything printed so far, one line per entry. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** SIGTERM, then waits for the exit (the proxy drains and logs its shutdown). Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        return waitForExit(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[shotover " + process.pid() + "] " + line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }
}
