package dev.shotover.testsupport;

/**
 * Thrown when a server a test depends on (a Redis backend, the Shotover proxy process) could not be started.
 *
 * <p>It is unchecked on purpose so that it fails the test that asked for the server, with a message that says
 * why (which strategies were tried, the command line, the tail of the server's log). Tests must never turn it into
 * a skip: a missing backend is a broken build environment, not an optional feature.
 */
public class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the full explanation of what was tried and why it failed. */
    public StartupException(String message) {
        super(message);
    }

    /** Creates the exception with the full explanation and the underlying failure. */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
