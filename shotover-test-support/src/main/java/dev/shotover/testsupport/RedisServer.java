package dev.shotover.testsupport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server for tests, listening on a fixed port for its whole life (also across {@link #restart()}).
 *
 * <p><b>How it runs.</b> {@link #start(int, String...)} tries, in order:
 * <ol>
 *   <li>{@code container}: a {@code redis:7} container via Testcontainers, if a Docker engine is reachable (checked
 *       once per JVM; without any sign of Docker this costs nothing and logs nothing);</li>
 *   <li>{@code process}: {@code redis-server} from the PATH as a foreground child process with
 *       {@code --port P --bind 127.0.0.1 --save "" --appendonly no --dir <temp dir>} plus the extra arguments, its
 *       output written to {@code redis-server.log} in the temp dir;</li>
 *   <li>{@code embedded}: the Redis 7.0.15 binary bundled in {@code org.signal:embedded-redis}.</li>
 * </ol>
 * The first that answers PING within 10 s wins; a strategy that fails is reported and the next one is tried. When
 * none starts, a {@link StartupException} lists every strategy and why it failed (command line, log tail): the test
 * fails, it never skips. Set the system property {@value #KIND_PROPERTY} to {@code container}, {@code process} or
 * {@code embedded} to force one strategy ({@code auto}, the default, tries all).
 *
 * <p>There is no persistence: {@link #restart()} comes back empty.
 *
 * <p><b>Threading.</b> All methods are thread-safe (synchronized); {@link #stop()} and {@link #restart()} block
 * until the server is gone or answering again. A JVM shutdown hook kills servers that tests forgot to close.
 */
public final class RedisServer implements AutoCloseable {

    /** System property that forces one strategy: {@code auto} (default), {@code container}, {@code process}, {@code embedded}. */
    public static final String KIND_PROPERTY = "shotover.redis.kind";

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (RedisServer server : LIVE) {
                server.killForShutdown();
            }
        }, "redis-server-cleanup"));
    }

    private final int port;
    private final Path workDir;
    private final RedisBackend backend;
    private boolean closed;

    private RedisServer(int port, Path workDir, RedisBackend backend) {
        this.port = port;
        this.workDir = workDir;
        this.backend = backend;
    }

    /** Starts a server on a free port of 127.0.0.1 with default settings. */
    public static RedisServer start() {
        return startOnFreePort(System.getProperty(KIND_PROPERTY, "auto"));
    }

    /**
     * Starts a server on {@code port} with extra {@code redis-server} command-line arguments
     * ({@code "--maxmemory", "10mb"}, {@code "--requirepass", "secret"}, {@code "--cluster-enabled", "yes"}).
     * Readiness is a plain-text PING on {@code port}; {@code -NOAUTH} counts as ready.
     *
     * @throws StartupException when no strategy could start a server; the message says why for each one
     */
    public static RedisServer start(int port, String... extraArgs) {
        return start(System.getProperty(KIND_PROPERTY, "auto"), port, extraArgs);
    }

    static RedisServer startOnFreePort(String kindSpec) {
        StartupException last = null;
        for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
            try {
                return start(kindSpec, FreePort.find());
            } catch (StartupException e) {
                // Someone may have taken the port between FreePort.find() and the bind; only then is a retry useful.
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** Starts with an explicit strategy choice; {@code kindSpec} as in {@link #KIND_PROPERTY}. */
    static RedisServer start(String kindSpec, int port, String... extraArgs) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        String kind = kindSpec.trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "container", "process", "embedded").contains(kind)) {
            throw new IllegalArgumentException(KIND_PROPERTY + " must be auto, container, process or embedded, was '"
                    + kindSpec + "'");
        }
        List<String> args = List.of(extraArgs);
        Path workDir = TestFiles.newTempDir("shotover-redis-" + port + "-");
        List<String> reasons = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();

        for (String candidate : List.of("container", "process", "embedded")) {
            if (!kind.equals("auto") && !kind.equals(candidate)) {
                continue;
            }
            Optional<RedisBackend> backend = backendFor(candidate, port, args, workDir, reasons);
            if (backend.isEmpty()) {
                continue;
            }
            try {
                long started = System.nanoTime();
                backend.get().start();
                RedisServer server = new RedisServer(port, workDir, backend.get());
                LIVE.add(server);
                LOG.info("Redis ({}) is up on {}:{} after {} ms", candidate, backend.get().host(), port,
                        (System.nanoTime() - started) / 1_000_000);
                return server;
            } catch (RuntimeException | LinkageError e) {
                reasons.add(candidate + ": failed: " + e.getMessage());
                failures.add(e);
                LOG.info("Redis strategy '{}' failed on port {}, trying the next one: {}", candidate, port,
                        e.toString());
            }
        }
        TestFiles.deleteRecursively(workDir);
        StringBuilder message = new StringBuilder("Could not start a Redis server on port " + port
                + " (" + KIND_PROPERTY + "=" + kind + "). Strategies tried:");
        for (String reason : reasons) {
            message.append("\n - ").append(reason.replace("\n", "\n     "));
        }
        StartupException failure = new StartupException(message.toString());
        failures.forEach(failure::addSuppressed);
        throw failure;
    }

    private static Optional<RedisBackend> backendFor(String kind, int port, List<String> args, Path workDir,
                                                     List<String> reasons) {
        switch (kind) {
            case "container": {
                DockerProbe.Result docker = DockerProbe.probe();
                if (!docker.available()) {
                    reasons.add("container: skipped, " + docker.reason());
                    return Optional.empty();
                }
                return Optional.of(new RedisContainerBackend(port, args));
            }
            case "process": {
                Optional<Path> exe = RedisProcessBackend.findOnPath();
                if (exe.isEmpty()) {
                    reasons.add("process: skipped, redis-server is not on the PATH (" + System.getenv("PATH")
                            + "); install it with: apt-get install redis-server");
                    return Optional.empty();
                }
                return Optional.of(new RedisProcessBackend(exe.get(), port, args, workDir));
            }
            case "embedded":
                return Optional.of(new EmbeddedRedisBackend(port, args, workDir));
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** The host clients connect to ({@code 127.0.0.1}, or the Docker host for containers). */
    public String host() {
        return backend.host();
    }

    /** The port, fixed for the life of this object. */
    public int port() {
        return port;
    }

    /** {@link #host()} and {@link #port()} as a socket address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(host(), port);
    }

    /** {@code redis://host:port}, for clients that take a URI (Lettuce). */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** How the server runs: {@code "container"}, {@code "process"} or {@code "embedded"}. */
    public String kind() {
        return backend.kind();
    }

    /** Whether the server is currently running (false after {@link #stop()}, true again after {@link #restart()}). */
    public synchronized boolean isRunning() {
        return backend.isRunning();
    }

    /**
     * Stops the server and waits until it has exited, so that the port refuses connections when this returns.
     * A process gets SIGTERM, then SIGKILL after 5 s. Idempotent; {@link #restart()} can start it again.
     */
    public synchronized void stop() {
        backend.stop();
    }

    /**
     * Stops the server if it runs, then starts it again on the same port with the same arguments and waits for PING.
     * The data is gone (no persistence).
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws StartupException if it does not come back
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("this RedisServer on port " + port + " was closed");
        }
        backend.stop();
        backend.start();
    }

    /** Stops the server and deletes its temporary directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        try {
            backend.stop();
        } finally {
            TestFiles.deleteRecursively(workDir);
        }
    }

    /** The temporary directory used as {@code --dir} and for the log; deleted by {@link #close()}. */
    Path workDir() {
        return workDir;
    }

    private void killForShutdown() {
        // No lock: a test thread may hold it while the JVM is exiting; a forcible kill is safe regardless.
        if (backend instanceof RedisProcessBackend process) {
            process.kill();
        } else {
            try {
                backend.stop();
            } catch (RuntimeException ignored) {
                // JVM is exiting.
            }
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + kind() + " " + host() + ":" + port + "]";
    }
}
