package dev.shotover.api;

/** The bytes of a message could not be parsed into a frame. */
public class MessageParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the bytes
     */
    public MessageParseException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the failure that revealed the problem.
     *
     * @param message what is wrong with the bytes
     * @param cause   the underlying failure
     */
    public MessageParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
