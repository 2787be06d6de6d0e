package dev.shotover.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides once per JVM whether a Docker engine is reachable.
 *
 * <p>Testcontainers is only asked when there is a sign of Docker (a {@code DOCKER_HOST}, a known socket, a
 * Testcontainers properties file naming a host). Without any sign it would spend seconds probing and log errors,
 * which would pollute the WARN/ERROR assertions of tests that embed the proxy.
 */
final class DockerProbe {

    private static final long PROBE_TIMEOUT_SECONDS = 20;
    private static volatile Result result;

    /** Whether Docker can be used, and if not, why. */
    record Result(boolean available, String reason) {
    }

    private DockerProbe() {
    }

    static Result probe() {
        Result r = result;
        if (r == null) {
            synchronized (DockerProbe.class) {
                r = result;
                if (r == null) {
                    r = detect();
                    result = r;
                }
            }
        }
        return r;
    }

    private static Result detect() {
        List<String> hints = hints();
        if (hints.isEmpty()) {
            return new Result(false, "no Docker engine: DOCKER_HOST is not set and no Docker socket exists");
        }
        try {
            CompletableFuture<Boolean> check = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    check.complete(org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
                } catch (Throwable t) {
                    check.completeExceptionally(t);
                }
            }, "docker-probe");
            thread.setDaemon(true);
            thread.start();
            boolean available = check.get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Result(available, available ? "Docker reachable via " + hints
                    : "Testcontainers found no working Docker engine (hints: " + hints + ")");
        } catch (Exception | LinkageError e) {
            return new Result(false, "Docker probe failed (hints: " + hints + "): " + e);
        }
    }

    private static List<String> hints() {
        List<String> hints = new ArrayList<>();
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            hints.add("DOCKER_HOST=" + dockerHost);
        }
        String home = System.getProperty("user.home", "");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        List<Path> sockets = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".rd", "docker.sock")));
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        for (Path socket : sockets) {
            if (Files.exists(socket)) {
                hints.add(socket.toString());
            }
        }
        Path properties = Path.of(home, ".testcontainers.properties");
        try {
            if (Files.isRegularFile(properties) && Files.readString(properties).contains("docker.host")) {
                hints.add(properties.toString());
            }
        } catch (IOException | RuntimeException ignored) {
            // An unreadable properties file is simply not a hint.
        }
        return hints;
    }
}
