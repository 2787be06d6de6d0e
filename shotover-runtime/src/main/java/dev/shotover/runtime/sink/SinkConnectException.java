package dev.shotover.runtime.sink;

import java.io.IOException;

/** A backend could not be reached. */
public final class SinkConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    public SinkConnectException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The reason a connect failed, as one short cause: Netty's native transport wraps the OS error twice
     * ({@code finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1111}); clients only need
     * {@code Connection refused}.
     */
    static IOException osReason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
        message = message.replaceFirst(": /?[^ ]*:\\d+$", "");
        return new IOException(message);
    }
}
