package dev.shotover.protocols.kafka;

import dev.shotover.api.MessageParseException;

/**
 * Bytes that are not a valid Kafka message: a size prefix out of range (the connection cannot be resynchronised), a
 * response no request is waiting for, or a body that does not decode. Every message starts with
 * {@value #PREFIX}.
 *
 * <p>Raised by {@link KafkaMessageDecoder} (framing, then the runtime logs it and closes the connection) and by
 * {@link KafkaFrameCodec} (decoding on demand, which only fails the transform that asked).
 */
public final class KafkaDecodeException extends MessageParseException {
    private static final long serialVersionUID = 1L;

    /** The prefix of every message. */
    public static final String PREFIX = "Error decoding kafka frame: ";

    public KafkaDecodeException(String problem) {
        super(PREFIX + problem);
    }

    public KafkaDecodeException(String problem, Throwable cause) {
        super(PREFIX + problem, cause);
    }
}
