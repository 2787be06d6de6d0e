package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.FrameCodec;
import com.datastax.oss.protocol.internal.ProtocolV3ClientCodecs;
import com.datastax.oss.protocol.internal.ProtocolV3ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV4ClientCodecs;
import com.datastax.oss.protocol.internal.ProtocolV4ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV5ClientCodecs;
import com.datastax.oss.protocol.internal.ProtocolV5ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV6ClientCodecs;
import com.datastax.oss.protocol.internal.ProtocolV6ServerCodecs;
import dev.shotover.api.FrameParser;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Decodes a raw envelope into a {@link CassandraFrame} and encodes a frame back into envelope bytes, with
 * native-protocol's {@link FrameCodec} and the message codecs of protocol v3, v4, v5 and the v6 beta, requests and
 * responses alike (a proxy reads and writes both).
 *
 * <p>The envelopes are the uncompressed ones a {@code Message} holds: compression is the connection's business
 * (decoder and encoder), so the codec here never compresses.
 *
 * <p>Decoding is strict: bytes left after the body fail the parse, because re-encoding the frame would silently drop
 * them. Decoded frames copy everything they keep, so they outlive the buffer.
 *
 * <p>Stateless; safe from any thread.
 */
public final class CqlFrameParser implements FrameParser {
    /** The shared parser, for envelopes on a connection without a current keyspace. */
    public static final CqlFrameParser INSTANCE = new CqlFrameParser(null);

    // The allocator only serves FrameCodec.encode(), which we never call (we size and allocate ourselves), and the
    // decompression path, which Compressor.none() never takes.
    private static final FrameCodec<ByteBuf> CODEC = new FrameCodec<>(new CqlPrimitiveCodec(ByteBufAllocator.DEFAULT),
            Compressor.none(),
            new ProtocolV3ClientCodecs(), new ProtocolV3ServerCodecs(),
            new ProtocolV4ClientCodecs(), new ProtocolV4ServerCodecs(),
            new ProtocolV5ClientCodecs(), new ProtocolV5ServerCodecs(),
            new ProtocolV6ClientCodecs(), new ProtocolV6ServerCodecs());

    private final String keyspace;

    private CqlFrameParser(String keyspace) {
        this.keyspace = keyspace;
    }

    /**
     * {@return a parser whose frames know that their connection's current keyspace is {@code keyspace}}
     *
     * @param keyspace the keyspace of the connection's last {@code USE}
     */
    public static CqlFrameParser inKeyspace(String keyspace) {
        return new CqlFrameParser(keyspace);
    }

    /** {@return the connection keyspace given to frames, or null} */
    public String keyspace() {
        return keyspace;
    }

    /**
     * Decodes one envelope.
     *
     * @param raw an uncompressed envelope, header included, from its reader index to its writer index; not consumed
     * @return the frame
     * @throws MessageParseException if the bytes are not a valid envelope of a supported version
     */
    @Override
    public CassandraFrame parse(ByteBuf raw) {
        return CassandraFrame.of(decode(raw), keyspace);
    }

    /** Decodes one envelope into native-protocol's model; see {@link #parse}. */
    static Frame decode(ByteBuf raw) {
        int length = raw.readableBytes();
        if (length < CqlEnvelopes.HEADER_LENGTH) {
            throw new MessageParseException("a CQL envelope has a 9-byte header, got " + length + " bytes");
        }
        if ((CqlEnvelopes.flags(raw) & CqlEnvelopes.FLAG_COMPRESSED) != 0) {
            throw new MessageParseException("the envelope is still compressed");
        }
        long bodyLength = CqlEnvelopes.bodyLength(raw);
        if (bodyLength != length - CqlEnvelopes.HEADER_LENGTH) {
            throw new MessageParseException("the envelope header announces a body of " + bodyLength + " bytes but "
                    + (length - CqlEnvelopes.HEADER_LENGTH) + " follow");
        }
        ByteBuf source = raw.duplicate();
        Frame frame;
        try {
            frame = CODEC.decode(source);
        } catch (RuntimeException e) {
            throw new MessageParseException("invalid CQL v" + CqlEnvelopes.version(raw) + " envelope (opcode "
                    + CqlEnvelopes.opcode(raw) + "): " + e.getMessage(), e);
        }
        if (source.isReadable()) {
            throw new MessageParseException(source.readableBytes() + " bytes left after the body of a CQL v"
                    + frame.protocolVersion + " " + frame.message.getClass().getSimpleName());
        }
        return frame;
    }

    /**
     * {@return the envelope bytes of a frame, uncompressed} Flags are computed from the frame (tracing, custom
     * payload, warnings, beta for v6).
     *
     * @param frame the frame
     * @param alloc allocates the result, which the caller owns
     * @throws IllegalArgumentException if the frame cannot be encoded (e.g. an opcode its version lacks)
     */
    public static ByteBuf encode(CassandraFrame frame, ByteBufAllocator alloc) {
        Frame envelope = frame.envelope();
        int bodySize = CODEC.encodedBodySize(envelope);
        ByteBuf out = alloc.buffer(CqlEnvelopes.HEADER_LENGTH + bodySize);
        try {
            CODEC.encodeInto(envelope, bodySize, out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return out;
    }
}
