package dev.shotover.protocols.cassandra;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes on a CQL connection that cannot be framed: an envelope or segment header out of range, a bad segment CRC,
 * a compressed body that does not decompress. The stream cannot be resynchronised, so the connection should be
 * closed; the decoder raises it once and discards what follows.
 */
public final class CqlDecodeException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the bytes
     */
    public CqlDecodeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the failure that revealed the problem.
     *
     * @param message what is wrong with the bytes
     * @param cause   the underlying failure
     */
    public CqlDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
