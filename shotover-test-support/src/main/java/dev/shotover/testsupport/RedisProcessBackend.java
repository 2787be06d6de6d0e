package dev.shotover.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-server} from the PATH as a foreground child process.
 *
 * <p>Never {@code --daemonize}: a daemon is re-parented to PID 1, and in some sandboxes PID 1 does not reap, so
 * every stopped daemon would linger as a zombie. As our own child, the JVM reaps it.
 */
final class RedisProcessBackend implements RedisBackend {

    static final String HOST = "127.0.0.1";
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Path executable;
    private final int port;
    private final List<String> extraArgs;
    private final Path workDir;
    private final Path logFile;
    private Process process;

    RedisProcessBackend(Path executable, int port, List<String> extraArgs, Path workDir) {
        this.executable = executable;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.workDir = workDir;
        this.logFile = workDir.resolve("redis-server.log");
    }

    /** Finds {@code redis-server} on the PATH. */
    static Optional<Path> findOnPath() {
        return findOnPath("redis-server");
    }

    static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String kind() {
        return "process";
    }

    @Override
    public String host() {
        return HOST;
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of("--port", Integer.toString(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", workDir.toString()));
        command.addAll(extraArgs);
        return command;
    }

    @Override
    public void start() {
        FreePort.requireFree(port, "redis-server");
        List<String> command = command();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                // Appended, so that a restart keeps the earlier run's log for diagnosis.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new StartupException("could not execute " + describe() + ": " + e.getMessage(), e);
        }
        process = started;
        closeQuietly(started);
        try {
            RespPing.awaitReady("redis-server (pid " + started.pid() + ")", HOST, port, Duration.ofSeconds(10),
                    started::isAlive, this::diagnostics);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // redis-server does not read stdin; closing it only frees the pipe.
        }
    }

    private String diagnostics() {
        Process p = process;
        String exit = p != null && !p.isAlive() ? "exit code " + p.exitValue() + "\n" : "";
        return exit + "command: " + describe() + "\nlog " + logFile + " (tail):\n" + logTail(logFile, 30);
    }

    @Override
    public void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        terminate(p, STOP_GRACE);
    }

    /** SIGTERM, then SIGKILL after {@code grace}, and always wait for the exit so the child is reaped. */
    static void terminate(Process p, Duration grace) {
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Kills the process without waiting long; for the JVM shutdown hook. */
    void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    @Override
    public String describe() {
        StringBuilder line = new StringBuilder();
        for (String arg : command()) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace) ? '"' + arg + '"' : arg);
        }
        return line.toString();
    }

    static String logTail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "  (no log file)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder tail = new StringBuilder();
            for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                tail.append("  ").append(line).append('\n');
            }
            return tail.length() == 0 ? "  (log is empty)" : tail.toString();
        } catch (IOException | RuntimeException e) {
            return "  (could not read log: " + e + ")";
        }
    }
}
