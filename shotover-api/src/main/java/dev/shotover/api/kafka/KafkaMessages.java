package dev.shotover.api.kafka;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Reads the few header fields a proxy needs from the raw bytes of a Kafka message, without decoding it: the API
 * key, version and correlation id of a request, the correlation id of a response, and whether a Produce request
 * waits for an answer ({@code acks != 0}). Every Kafka message starts with a 4-byte size; a request continues with
 * {@code api_key int16, api_version int16, correlation_id int32, client_id}, a response with {@code correlation_id}.
 *
 * <p>The {@code Message} variants read the raw bytes while the message is unmodified and fall back to its
 * {@link KafkaFrame} once it was changed. A token of the legacy SASL flow has no header: the codec hands it out
 * decoded ({@link KafkaFrame.SaslToken}), and its frame answers (api key {@code SaslAuthenticate}, version and
 * correlation id -1). The {@code ByteBuf} variants read from the buffer's reader index without moving it; the buffer
 * must hold one whole Kafka message (not a SASL token), size prefix included.
 *
 * <p>Stateless; safe from any thread (the messages themselves are not).
 */
public final class KafkaMessages {
    /** The length of the size prefix in front of every Kafka message. */
    public static final int SIZE_PREFIX_LENGTH = 4;
    /** Size prefix plus api key, api version and correlation id: the shortest possible request. */
    public static final int MIN_REQUEST_LENGTH = SIZE_PREFIX_LENGTH + 8;
    /** Size prefix plus correlation id: the shortest possible response. */
    public static final int MIN_RESPONSE_LENGTH = SIZE_PREFIX_LENGTH + 4;

    private static final short PRODUCE = ApiKeys.PRODUCE.id;
    /** Produce versions from here on use the flexible (compact, tagged-field) encoding and request header v2. */
    private static final short PRODUCE_FIRST_FLEXIBLE_VERSION = 9;
    /** Produce versions from here on carry {@code transactional_id} before {@code acks}. */
    private static final short PRODUCE_FIRST_TRANSACTIONAL_VERSION = 3;

    private KafkaMessages() {
    }

    /**
     * {@return the API key id of a request message}
     *
     * @param request a Kafka request, raw or decoded
     */
    public static short requestApiKey(Message request) {
        ByteBuf raw = rawOf(request);
        return raw != null ? requestApiKey(raw) : request.frame(KafkaFrame.class).apiKey().id;
    }

    /**
     * {@return the API version of a request message}
     *
     * @param request a Kafka request, raw or decoded
     */
    public static short requestApiVersion(Message request) {
        ByteBuf raw = rawOf(request);
        return raw != null ? requestApiVersion(raw) : request.frame(KafkaFrame.class).apiVersion();
    }

    /**
     * {@return the correlation id of a request message}
     *
     * @param request a Kafka request, raw or decoded
     */
    public static int requestCorrelationId(Message request) {
        ByteBuf raw = rawOf(request);
        return raw != null ? requestCorrelationId(raw) : request.frame(KafkaFrame.class).correlationId();
    }

    /**
     * {@return the correlation id of a response message}
     *
     * @param response a Kafka response, raw or decoded
     */
    public static int responseCorrelationId(Message response) {
        ByteBuf raw = rawOf(response);
        return raw != null ? responseCorrelationId(raw) : response.frame(KafkaFrame.class).correlationId();
    }

    /**
     * {@return false only for a Produce request with {@code acks=0}, which the broker never answers} A request too
     * short or malformed to tell is assumed to expect a response (the broker will deal with it).
     *
     * @param request a Kafka request, raw or decoded
     */
    public static boolean expectsResponse(Message request) {
        ByteBuf raw = rawOf(request);
        if (raw != null) {
            return expectsResponse(raw);
        }
        return !(request.frame() instanceof KafkaFrame.Request frame) || frame.expectsResponse();
    }

    /**
     * {@return whether the message is a token of the legacy SASL flow (after a SaslHandshake v0), which has no Kafka
     * header} Cheap: the codec decodes tokens when it reads them, so this never decodes anything.
     *
     * @param message a Kafka request or response
     */
    public static boolean isSaslToken(Message message) {
        return message.isParsed() && message.frame() instanceof KafkaFrame.SaslToken;
    }

    /**
     * {@return the API key id of a request}
     *
     * @param raw a complete request, size prefix included; not changed
     */
    public static short requestApiKey(ByteBuf raw) {
        return raw.getShort(raw.readerIndex() + SIZE_PREFIX_LENGTH);
    }

    /**
     * {@return the API version of a request}
     *
     * @param raw a complete request, size prefix included; not changed
     */
    public static short requestApiVersion(ByteBuf raw) {
        return raw.getShort(raw.readerIndex() + SIZE_PREFIX_LENGTH + 2);
    }

    /**
     * {@return the correlation id of a request}
     *
     * @param raw a complete request, size prefix included; not changed
     */
    public static int requestCorrelationId(ByteBuf raw) {
        return raw.getInt(raw.readerIndex() + SIZE_PREFIX_LENGTH + 4);
    }

    /**
     * {@return the correlation id of a response}
     *
     * @param raw a complete response, size prefix included; not changed
     */
    public static int responseCorrelationId(ByteBuf raw) {
        return raw.getInt(raw.readerIndex() + SIZE_PREFIX_LENGTH);
    }

    /**
     * See {@link #expectsResponse(Message)}; reads {@code acks} of a Produce request by skipping its header.
     *
     * @param raw a complete request, size prefix included; not changed
     * @return false only for a Produce request with {@code acks=0}
     */
    public static boolean expectsResponse(ByteBuf raw) {
        if (raw.readableBytes() < MIN_REQUEST_LENGTH || requestApiKey(raw) != PRODUCE) {
            return true;
        }
        try {
            return produceAcks(raw) != 0;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return true;
        }
    }

    /**
     * The {@code acks} field of a Produce request: after the header (whose client id is always a classic nullable
     * string, followed by tagged fields in flexible versions) comes {@code transactional_id} from v3, then acks.
     */
    static short produceAcks(ByteBuf raw) {
        int end = raw.readerIndex() + raw.readableBytes();
        short version = requestApiVersion(raw);
        boolean flexible = version >= PRODUCE_FIRST_FLEXIBLE_VERSION;
        Cursor at = new Cursor(raw, raw.readerIndex() + MIN_REQUEST_LENGTH, end);
        at.skipClassicString();
        if (flexible) {
            at.skipTaggedFields();
        }
        if (version >= PRODUCE_FIRST_TRANSACTIONAL_VERSION) {
            if (flexible) {
                at.skipCompactString();
            } else {
                at.skipClassicString();
            }
        }
        return at.readShort();
    }

    /** The bytes to read the header from, or null when the frame must answer (changed, or a SASL token). */
    private static ByteBuf rawOf(Message message) {
        if (message.protocol() != Protocol.KAFKA) {
            throw new IllegalArgumentException("not a Kafka message: " + message);
        }
        return isSaslToken(message) ? null : message.rawBytes();
    }

    /** A bounds-checked read position in a buffer; throws IndexOutOfBoundsException past {@code end}. */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int end;
        private int pos;

        Cursor(ByteBuf buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        short readShort() {
            require(2);
            short value = buf.getShort(pos);
            pos += 2;
            return value;
        }

        int readUnsignedVarint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                require(1);
                byte b = buf.getByte(pos++);
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 5 bytes");
        }

        void skipClassicString() {
            short length = readShort();
            if (length > 0) {
                skip(length);
            }
        }

        void skipCompactString() {
            int lengthPlusOne = readUnsignedVarint();
            if (lengthPlusOne > 1) {
                skip(lengthPlusOne - 1);
            }
        }

        void skipTaggedFields() {
            int count = readUnsignedVarint();
            for (int i = 0; i < count; i++) {
                readUnsignedVarint();
                skip(readUnsignedVarint());
            }
        }

        private void skip(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative length " + n);
            }
            require(n);
            pos += n;
        }

        private void require(int n) {
            if (pos + n > end || pos + n < pos) {
                throw new IndexOutOfBoundsException("Kafka message ends before its produce acks field");
            }
        }
    }
}
