package dev.shotover.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@code redis-server} binary bundled in {@code org.signal:embedded-redis} (Redis 7.0.15). This is the
 * zero-install fallback for machines without Docker and without a packaged {@code redis-server}. The library also
 * runs the binary as a foreground child process.
 */
final class EmbeddedRedisBackend implements RedisBackend {

    private final int port;
    private final List<String> settings;
    private final Path workDir;
    private redis.embedded.RedisServer server;

    EmbeddedRedisBackend(int port, List<String> extraArgs, Path workDir) {
        this.port = port;
        this.settings = toSettings(extraArgs);
        this.workDir = workDir;
    }

    /**
     * Turns command-line style arguments ({@code --name v1 v2 --other v}) into redis.conf lines
     * ({@code name v1 v2}), because the library passes settings through a config file.
     */
    static List<String> toSettings(List<String> args) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        for (String arg : args) {
            if (arg.startsWith("--")) {
                if (current != null) {
                    lines.add(current.toString());
                }
                current = new StringBuilder(arg.substring(2));
            } else {
                if (current == null) {
                    throw new IllegalArgumentException("extra redis arguments must start with an --option, got: "
                            + args);
                }
                current.append(' ').append(quote(arg));
            }
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static String quote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'')) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public String host() {
        return RedisProcessBackend.HOST;
    }

    @Override
    public void start() {
        FreePort.requireFree(port, "embedded redis-server");
        redis.embedded.RedisServerBuilder builder = redis.embedded.RedisServer.builder()
                .port(port)
                .bind(RedisProcessBackend.HOST)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + quote(workDir.toString()));
        for (String setting : settings) {
            builder.setting(setting);
        }
        redis.embedded.RedisServer built;
        try {
            built = builder.build();
            built.start();
        } catch (RuntimeException e) {
            throw new StartupException("embedded redis-server on " + host() + ":" + port + " failed to start: " + e
                    + "\nsettings: " + describe(), e);
        }
        server = built;
        try {
            RespPing.awaitReady("embedded redis-server", host(), port, Duration.ofSeconds(10), built::isActive,
                    () -> "settings: " + describe());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        redis.embedded.RedisServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        try {
            s.stop();
        } catch (RuntimeException ignored) {
            // The library throws when the process is already gone; stopped is what we wanted.
        }
    }

    @Override
    public boolean isRunning() {
        redis.embedded.RedisServer s = server;
        return s != null && s.isActive();
    }

    @Override
    public String describe() {
        return "embedded-redis --port " + port + " with redis.conf lines [bind " + host() + ", save \"\", appendonly no, dir "
                + quote(workDir.toString()) + (settings.isEmpty() ? "" : ", " + String.join(", ", settings)) + "]";
    }
}
