package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import dev.shotover.api.MessageParseException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads and patches the 9-byte header of a raw CQL envelope (protocol v3 and later) without decoding its body:
 * {@code version (high bit = response) | flags | stream id (2 bytes) | opcode | body length (4 bytes)}.
 *
 * <p>All methods work relative to the buffer's reader index and never move it. The buffer must hold at least the
 * header ({@link #HEADER_LENGTH} bytes).
 *
 * <p>Stateless; safe from any thread (each buffer from one thread at a time).
 */
public final class CqlEnvelopes {
    /** The length of an envelope header in protocol v3 and later. */
    public static final int HEADER_LENGTH = 9;
    /** The direction bit of the version byte: set on responses and server events. */
    static final int RESPONSE_BIT = 0x80;
    /** The compression flag of the flags byte; never set in a {@code Message}'s raw bytes. */
    static final int FLAG_COMPRESSED = 0x01;
    /** The beta flag of the flags byte. */
    static final int FLAG_USE_BETA = 0x10;
    private static final int FLAG_TRACING = 0x02;
    private static final int FLAG_CUSTOM_PAYLOAD = 0x04;
    private static final int FLAG_WARNING = 0x08;

    private static final int FLAGS_OFFSET = 1;
    private static final int STREAM_ID_OFFSET = 2;
    private static final int OPCODE_OFFSET = 4;
    private static final int BODY_LENGTH_OFFSET = 5;

    private CqlEnvelopes() {
    }

    /**
     * {@return the protocol version (3, 4, 5...), without the direction bit}
     *
     * @param envelope a raw envelope
     */
    public static int version(ByteBuf envelope) {
        return envelope.getByte(envelope.readerIndex()) & 0x7F;
    }

    /**
     * {@return true for a response or a server event, false for a request}
     *
     * @param envelope a raw envelope
     */
    public static boolean isResponse(ByteBuf envelope) {
        return (envelope.getByte(envelope.readerIndex()) & RESPONSE_BIT) != 0;
    }

    /**
     * {@return the header flags byte (compression, tracing, custom payload, warning, beta)}
     *
     * @param envelope a raw envelope
     */
    public static int flags(ByteBuf envelope) {
        return envelope.getUnsignedByte(envelope.readerIndex() + FLAGS_OFFSET);
    }

    /**
     * {@return the signed stream id: responses carry their request's, server events -1}
     *
     * @param envelope a raw envelope
     */
    public static int streamId(ByteBuf envelope) {
        return envelope.getShort(envelope.readerIndex() + STREAM_ID_OFFSET);
    }

    /**
     * Overwrites the stream id in place, e.g. when a sink maps client stream ids onto its own connection's.
     *
     * @param envelope a raw envelope; its bytes are changed
     * @param streamId the new stream id, -32768..32767
     */
    public static void setStreamId(ByteBuf envelope, int streamId) {
        if (streamId < Short.MIN_VALUE || streamId > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a CQL stream id is a signed short, was " + streamId);
        }
        envelope.setShort(envelope.readerIndex() + STREAM_ID_OFFSET, streamId);
    }

    /**
     * {@return the opcode, see {@code ProtocolConstants.Opcode}}
     *
     * @param envelope a raw envelope
     */
    public static int opcode(ByteBuf envelope) {
        return envelope.getUnsignedByte(envelope.readerIndex() + OPCODE_OFFSET);
    }

    /**
     * {@return the body length announced by the header, as an unsigned value}
     *
     * @param envelope a raw envelope
     */
    public static long bodyLength(ByteBuf envelope) {
        return envelope.getUnsignedInt(envelope.readerIndex() + BODY_LENGTH_OFFSET);
    }

    /**
     * {@return the keyspace of a {@code RESULT} of kind {@code SET_KEYSPACE} (the answer to {@code USE}), else null}
     * Reads the header and the first bytes of the body; only an envelope with tracing, warnings or a custom payload
     * in front of the body is decoded in full.
     *
     * @param envelope a raw, uncompressed response envelope
     */
    public static String setKeyspaceOf(ByteBuf envelope) {
        int start = envelope.readerIndex();
        if (opcode(envelope) != ProtocolConstants.Opcode.RESULT
                || envelope.readableBytes() < HEADER_LENGTH + 6) {
            return null;
        }
        if ((flags(envelope) & (FLAG_TRACING | FLAG_CUSTOM_PAYLOAD | FLAG_WARNING)) != 0) {
            try {
                return CqlFrameParser.decode(envelope).message instanceof SetKeyspace set ? set.keyspace : null;
            } catch (MessageParseException e) {
                return null;
            }
        }
        int body = start + HEADER_LENGTH;
        if (envelope.getInt(body) != ProtocolConstants.ResultKind.SET_KEYSPACE) {
            return null;
        }
        int length = envelope.getUnsignedShort(body + 4);
        if (envelope.readableBytes() < HEADER_LENGTH + 6 + length) {
            return null;
        }
        return envelope.toString(body + 6, length, StandardCharsets.UTF_8);
    }

    static int flagsAt(ByteBuf buf, int index) {
        return buf.getUnsignedByte(index + FLAGS_OFFSET);
    }

    static int opcodeAt(ByteBuf buf, int index) {
        return buf.getUnsignedByte(index + OPCODE_OFFSET);
    }

    static long bodyLengthAt(ByteBuf buf, int index) {
        return buf.getUnsignedInt(index + BODY_LENGTH_OFFSET);
    }

    static int streamIdAt(ByteBuf buf, int index) {
        return buf.getShort(index + STREAM_ID_OFFSET);
    }

    /** Writes a header at the writer index. */
    static void writeHeader(ByteBuf out, int versionByte, int flags, int streamId, int opcode, int bodyLength) {
        out.writeByte(versionByte);
        out.writeByte(flags);
        out.writeShort(streamId);
        out.writeByte(opcode);
        out.writeInt(bodyLength);
    }
}
