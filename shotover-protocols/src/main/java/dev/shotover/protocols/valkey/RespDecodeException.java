package dev.shotover.protocols.valkey;

import dev.shotover.api.MessageParseException;

/**
 * Bytes that are not valid RESP. The message always starts with {@code "Error decoding valkey frame: "} and names
 * the problem and its offset, counted from the first byte of the message being decoded.
 *
 * <p>Thrown by {@link RespScanner} (framing) and {@link RespFrameParser} (full parse). A connection that produced one
 * cannot be resynchronised, so the runtime logs it and closes the connection.
 */
public final class RespDecodeException extends MessageParseException {
    private static final long serialVersionUID = 1L;

    /** The prefix of every message, kept identical to Shotover's log text. */
    public static final String PREFIX = "Error decoding valkey frame: ";

    private final long offset;

    /**
     * @param problem what is wrong, without the prefix and without the offset
     * @param offset where, relative to the first byte of the message
     */
    public RespDecodeException(String problem, long offset) {
        super(PREFIX + problem + " at offset " + offset);
        this.offset = offset;
    }

    /** The offset of the offending byte (or of the start of the offending header), relative to the message start. */
    public long offset() {
        return offset;
    }
}
