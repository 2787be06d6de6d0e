package dev.shotover.api;

/** The bytes of a message could not be parsed into a frame. */
public class MessageParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MessageParseException(String message) {
        super(message);
    }

    public MessageParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
