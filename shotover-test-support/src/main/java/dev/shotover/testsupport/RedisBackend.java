package dev.shotover.testsupport;

/**
 * One way of running a Redis server on a fixed port: a container, a child process, or the embedded binary.
 * An instance can be started, stopped and started again on the same port. Callers serialize access.
 */
interface RedisBackend {

    /** {@code "container"}, {@code "process"} or {@code "embedded"}. */
    String kind();

    /** The host clients connect to. */
    String host();

    /** Starts the server and returns once it answers PING; throws {@link StartupException} saying why not. */
    void start();

    /** Stops the server and waits until it is gone. Idempotent. */
    void stop();

    /** Whether the server is running as far as this backend knows. */
    boolean isRunning();

    /** A human-readable command line or image description, for error messages. */
    String describe();
}
