package dev.shotover.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Collects the stdout and stderr lines of a child process, each stream read by its own daemon thread.
 *
 * <p>Thread-safe: readers append under a monitor and wake waiters; callers get snapshots.
 */
final class ProcessOutput {

    private final Object lock = new Object();
    private final List<String> all = new ArrayList<>();
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final String echoPrefix;
    private final PrintStream echo;
    private int openStreams;

    /** {@code echo} may be null to not echo. */
    ProcessOutput(String echoPrefix, PrintStream echo) {
        this.echoPrefix = echoPrefix;
        this.echo = echo;
    }

    /** Starts reading both streams of {@code process}. */
    void pump(Process process, String threadName) {
        synchronized (lock) {
            openStreams = 2;
        }
        start(process.getInputStream(), false, threadName + "-stdout");
        start(process.getErrorStream(), true, threadName + "-stderr");
    }

    private void start(InputStream in, boolean isStderr, String name) {
        Thread thread = new Thread(() -> read(in, isStderr), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void read(InputStream in, boolean isStderr) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                add(line, isStderr);
            }
        } catch (IOException ignored) {
            // The stream closes when the process is killed; everything read so far is kept.
        } finally {
            synchronized (lock) {
                openStreams--;
                lock.notifyAll();
            }
        }
    }

    private void add(String line, boolean isStderr) {
        synchronized (lock) {
            all.add(line);
            (isStderr ? stderr : stdout).add(line);
            lock.notifyAll();
        }
        if (echo != null) {
            echo.println(echoPrefix + (isStderr ? "[err] " : "") + line);
        }
    }

    List<String> all() {
        synchronized (lock) {
            return List.copyOf(all);
        }
    }

    List<String> stdout() {
        synchronized (lock) {
            return List.copyOf(stdout);
        }
    }

    List<String> stderr() {
        synchronized (lock) {
            return List.copyOf(stderr);
        }
    }

    /** True once both streams reached end of file (the process exited and its output is complete). */
    boolean closed() {
        synchronized (lock) {
            return openStreams <= 0;
        }
    }

    /**
     * Waits for a line matching {@code matcher} anywhere in the output so far or to come.
     *
     * @return the first matching line, or {@code null} if the streams closed or {@code timeout} passed without one
     */
    String await(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0;
        synchronized (lock) {
            while (true) {
                for (; scanned < all.size(); scanned++) {
                    if (matcher.test(all.get(scanned))) {
                        return all.get(scanned);
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (openStreams <= 0 || remaining <= 0) {
                    return null;
                }
                lock.wait(Math.max(1, remaining / 1_000_000));
            }
        }
    }

    /** Waits until both streams are closed, at most {@code timeout}; returns whether they are. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (openStreams > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, remaining / 1_000_000));
            }
            return true;
        }
    }

    /** All output as one string with {@code \n}, each line indented, for failure messages. */
    String formatted() {
        StringBuilder text = new StringBuilder();
        for (String line : all()) {
            text.append("  | ").append(line).append('\n');
        }
        return text.length() == 0 ? "  (no output)\n" : text.toString();
    }
}
