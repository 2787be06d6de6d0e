package dev.shotover.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs {@code redis:7} in a Docker container, published on the requested host port so that a restart keeps the
 * address. Only loaded when a Docker engine was detected, so machines without Docker never touch Testcontainers.
 */
final class RedisContainerBackend implements RedisBackend {

    static final String IMAGE = "redis:7";

    private final int port;
    private final List<String> extraArgs;
    private GenericContainer<?> container;

    RedisContainerBackend(int port, List<String> extraArgs) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    @Override
    public String kind() {
        return "container";
    }

    @Override
    public String host() {
        GenericContainer<?> c = container;
        return c != null ? c.getHost() : RedisProcessBackend.HOST;
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no",
                // Clients arrive from the Docker bridge, not loopback; without a password protected mode refuses them.
                "--protected-mode", "no"));
        command.addAll(extraArgs);
        return command;
    }

    @Override
    @SuppressWarnings("resource") // stopped in stop()
    public void start() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(6379)
                .withCommand(command().toArray(new String[0]))
                .withStartupTimeout(Duration.ofSeconds(120));
        c.setPortBindings(List.of(port + ":6379"));
        try {
            c.start();
        } catch (RuntimeException e) {
            c.stop();
            throw new StartupException("container " + describe() + " failed to start: " + e, e);
        }
        container = c;
        try {
            RespPing.awaitReady("redis container", c.getHost(), port, Duration.ofSeconds(10), c::isRunning,
                    () -> "container: " + describe() + "\nlogs (tail):\n" + tail(c.getLogs(), 30));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private static String tail(String logs, int lines) {
        String[] all = logs.split("\n");
        StringBuilder tail = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            tail.append("  ").append(all[i]).append('\n');
        }
        return tail.toString();
    }

    @Override
    public void stop() {
        GenericContainer<?> c = container;
        if (c == null) {
            return;
        }
        container = null;
        c.stop();
    }

    @Override
    public boolean isRunning() {
        GenericContainer<?> c = container;
        return c != null && c.isRunning();
    }

    @Override
    public String describe() {
        return IMAGE + " published on host port " + port + ", command " + command();
    }
}
