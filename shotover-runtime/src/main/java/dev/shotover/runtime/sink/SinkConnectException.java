package dev.shotover.runtime.sink;

import java.io.IOException;

/** A backend could not be reached. */
public final class SinkConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    public SinkConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
