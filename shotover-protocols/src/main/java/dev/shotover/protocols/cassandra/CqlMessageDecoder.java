package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Startup;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the bytes of a CQL connection into {@link Message}s, one per envelope, without decoding the bodies: each
 * message holds exactly one uncompressed envelope (9-byte header with the compression flag cleared, then the body)
 * and parses it with {@link CqlFrameParser} only if a transform asks.
 *
 * <ul>
 *   <li><b>Envelopes</b> (v3, v4, and v5 until the handshake): framed by the body length in the header. An
 *       uncompressed envelope becomes a retained slice of the received bytes (no copy); a compressed one (v3/v4 with
 *       LZ4 or Snappy negotiated) is inflated into a new buffer.</li>
 *   <li><b>Segments</b> (v5 after READY/AUTHENTICATE, see {@link CqlConnectionState}): both CRCs are checked, LZ4
 *       payloads inflated, every envelope of a self-contained segment emitted, and the non-self-contained segments
 *       of a large envelope concatenated until it is complete.</li>
 * </ul>
 *
 * <p><b>Version negotiation</b> (client side only). A request in a version outside [3, max], or v5 with the beta
 * flag, is answered here, as Cassandra would, with a {@code PROTOCOL_ERROR} "Invalid or unsupported protocol
 * version (N); supported versions are (...)" (see {@link CqlVersionNegotiation}); the decoder writes it itself with
 * {@code ctx.writeAndFlush} (so it passes through nothing but the handlers nearer the socket, e.g. TLS), closes the
 * connection once it is written and discards the rest of the input. The chain never sees the request. Drivers retry
 * with a lower version on a new connection (the Java driver 4.19 opens a new channel for each attempt), so nothing
 * is lost by closing, and the bytes that follow a request in an unknown version could not be framed anyway.
 *
 * <p><b>Errors.</b> A header out of range (size above the limit, wrong direction, unknown version on a backend
 * connection), a bad CRC or undecompressable data raises a {@link CqlDecodeException} (a
 * {@link io.netty.handler.codec.DecoderException}): the stream cannot be resynchronised, so the connection should be
 * closed. The error is raised once; later bytes are discarded. Messages decoded before it are still passed on.
 *
 * <p><b>Threading and buffers.</b> Not sharable: one instance per channel, sharing a {@link CqlConnectionState} with
 * the channel's {@link CqlMessageEncoder}. Each emitted message owns one reference to its bytes; whoever consumes it
 * must eventually {@link Message#release()} it.
 */
public final class CqlMessageDecoder extends ByteToMessageDecoder {
    private final boolean clientSide;
    private final CqlConnectionState state;
    private final CqlCodecOptions options;
    private boolean failed;
    /** The non-self-contained segments of a large envelope received so far, or null. */
    private ByteBuf largeEnvelope;
    private int largeEnvelopeLength;
    /** When the bytes being decoded were read: one clock read per read from the socket, not per message. */
    private long readAtNanos;

    private CqlMessageDecoder(boolean clientSide, CqlConnectionState state, CqlCodecOptions options) {
        this.clientSide = clientSide;
        this.state = state;
        this.options = options;
    }

    /**
     * {@return a decoder of requests from clients}
     *
     * @param state   shared with the channel's encoder
     * @param options the version and size limits
     */
    public static CqlMessageDecoder forRequests(CqlConnectionState state, CqlCodecOptions options) {
        return new CqlMessageDecoder(true, state, options);
    }

    /**
     * {@return a decoder of responses and events from a Cassandra node}
     *
     * @param state   shared with the channel's encoder
     * @param options the size limit
     */
    public static CqlMessageDecoder forResponses(CqlConnectionState state, CqlCodecOptions options) {
        return new CqlMessageDecoder(false, state, options);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readAtNanos = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (state.usesSegments()) {
                decodeSegment(ctx, in, out);
            } else {
                decodeEnvelope(ctx, in, out);
            }
        } catch (RuntimeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            releaseLargeEnvelope();
            throw e instanceof CqlDecodeException decodeException ? decodeException
                    : new CqlDecodeException("failed to decode a CQL envelope: " + e, e);
        }
    }

    private void decodeEnvelope(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable < 1) {
            return;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start) & 0x7F;
        // Like Cassandra, judge the version from the first byte: v1/v2 headers are shorter than 9 bytes.
        if (clientSide && (version < CqlCodecOptions.MIN_PROTOCOL_VERSION || version > options.maxProtocolVersion())) {
            rejectVersion(ctx, in, version, false);
            return;
        }
        if (readable < CqlEnvelopes.HEADER_LENGTH) {
            return;
        }
        int flags = CqlEnvelopes.flagsAt(in, start);
        if (clientSide && version == 5 && (flags & CqlEnvelopes.FLAG_USE_BETA) != 0) {
            // a client that thinks v5 is beta speaks a draft of it; it can fall back to v4
            rejectVersion(ctx, in, version, true);
            return;
        }
        int bodyLength = checkHeader(in, start);
        if (readable < CqlEnvelopes.HEADER_LENGTH + bodyLength) {
            return;
        }
        ByteBuf raw;
        if ((flags & CqlEnvelopes.FLAG_COMPRESSED) != 0) {
            if (version >= 5) {
                throw new CqlDecodeException("a v5 envelope has the compression flag: v5 compresses segments");
            }
            raw = CqlCompressors.decompressEnvelope(in, start, bodyLength, state.compression(),
                    options.maxFrameSize(), ctx.alloc());
            in.skipBytes(CqlEnvelopes.HEADER_LENGTH + bodyLength);
        } else {
            raw = in.readRetainedSlice(CqlEnvelopes.HEADER_LENGTH + bodyLength);
        }
        emit(raw, out, true);
    }

    private void decodeSegment(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean lz4 = state.compression() == CqlCompression.LZ4;
        int headerLength = CqlSegments.headerLength(lz4);
        if (in.readableBytes() < headerLength) {
            return;
        }
        int start = in.readerIndex();
        CqlSegments.Header header = CqlSegments.readHeader(in, start, lz4);
        int total = headerLength + header.payloadLength() + CqlSegments.CRC32_LENGTH;
        if (in.readableBytes() < total) {
            return;
        }
        int payloadIndex = start + headerLength;
        CqlSegments.checkPayloadCrc(in, payloadIndex, header.payloadLength());
        ByteBuf payload;
        if (header.compressed()) {
            payload = ctx.alloc().buffer(header.uncompressedLength());
            try {
                CqlCompressors.lz4Decompress(in.slice(payloadIndex, header.payloadLength()),
                        header.uncompressedLength(), payload);
            } catch (RuntimeException e) {
                payload.release();
                throw e;
            }
        } else {
            payload = in.retainedSlice(payloadIndex, header.payloadLength());
        }
        in.skipBytes(total);
        try {
            if (header.selfContained()) {
                emitEnvelopesOf(payload, out);
            } else {
                appendToLargeEnvelope(ctx, payload, out);
            }
        } finally {
            payload.release();
        }
    }

    private void emitEnvelopesOf(ByteBuf payload, List<Object> out) {
        if (largeEnvelope != null) {
            throw new CqlDecodeException("a self-contained segment arrived before the large envelope in progress ("
                    + largeEnvelope.readableBytes() + " of " + largeEnvelopeLength + " bytes) was complete");
        }
        while (payload.isReadable()) {
            if (payload.readableBytes() < CqlEnvelopes.HEADER_LENGTH) {
                throw new CqlDecodeException("a self-contained segment ends inside an envelope header");
            }
            int bodyLength = checkSegmentEnvelopeHeader(payload, payload.readerIndex());
            if (payload.readableBytes() < CqlEnvelopes.HEADER_LENGTH + bodyLength) {
                throw new CqlDecodeException("a self-contained segment ends inside an envelope: "
                        + payload.readableBytes() + " bytes left, the envelope has " + (CqlEnvelopes.HEADER_LENGTH
                        + bodyLength));
            }
            emit(payload.readRetainedSlice(CqlEnvelopes.HEADER_LENGTH + bodyLength), out, false);
        }
    }

    private void appendToLargeEnvelope(ChannelHandlerContext ctx, ByteBuf payload, List<Object> out) {
        if (largeEnvelope == null) {
            if (payload.readableBytes() < CqlEnvelopes.HEADER_LENGTH) {
                throw new CqlDecodeException("the first segment of a large envelope does not hold its header");
            }
            int length = CqlEnvelopes.HEADER_LENGTH + checkSegmentEnvelopeHeader(payload, payload.readerIndex());
            // grow as segments arrive rather than trusting the header with a big allocation up front
            largeEnvelope = ctx.alloc().buffer(Math.min(length, 4 * CqlSegments.MAX_PAYLOAD_LENGTH), length);
            largeEnvelopeLength = length;
        }
        if (largeEnvelope.readableBytes() + payload.readableBytes() > largeEnvelopeLength) {
            throw new CqlDecodeException("the segments of a large envelope carry more than the "
                    + largeEnvelopeLength + " bytes its header announces");
        }
        CqlSegments.appendBytes(payload, payload.readerIndex(), payload.readableBytes(), largeEnvelope);
        if (largeEnvelope.readableBytes() == largeEnvelopeLength) {
            ByteBuf raw = largeEnvelope;
            largeEnvelope = null;
            emit(raw, out, false);
        }
    }

    /** Checks a header in the envelope stream; returns its body length. */
    private int checkHeader(ByteBuf buf, int index) {
        int versionByte = buf.getUnsignedByte(index);
        int version = versionByte & 0x7F;
        if (version < CqlCodecOptions.MIN_PROTOCOL_VERSION || version > ProtocolConstants.Version.V6) {
            throw new CqlDecodeException("unsupported CQL protocol version " + version + " from the "
                    + (clientSide ? "client" : "server"));
        }
        boolean response = (versionByte & CqlEnvelopes.RESPONSE_BIT) != 0;
        if (response == clientSide) {
            throw new CqlDecodeException(clientSide ? "a client sent a response envelope (opcode "
                    + CqlEnvelopes.opcodeAt(buf, index) + ")" : "a server sent a request envelope (opcode "
                    + CqlEnvelopes.opcodeAt(buf, index) + ")");
        }
        long bodyLength = CqlEnvelopes.bodyLengthAt(buf, index);
        if (bodyLength > options.maxFrameSize() - CqlEnvelopes.HEADER_LENGTH) {
            throw new CqlDecodeException("a CQL envelope of " + (bodyLength + CqlEnvelopes.HEADER_LENGTH)
                    + " bytes exceeds the maximum frame size of " + options.maxFrameSize() + " bytes");
        }
        return (int) bodyLength;
    }

    /** Checks the header of an envelope inside a segment; returns its body length. */
    private int checkSegmentEnvelopeHeader(ByteBuf buf, int index) {
        int version = buf.getUnsignedByte(index) & 0x7F;
        if (clientSide && version > options.maxProtocolVersion()) {
            throw new CqlDecodeException("unsupported CQL protocol version " + version + " inside a v5 segment");
        }
        int flags = CqlEnvelopes.flagsAt(buf, index);
        if ((flags & CqlEnvelopes.FLAG_COMPRESSED) != 0) {
            // The Java driver sets it on every envelope of a compressed v5 connection although v5 compresses
            // segments, never envelopes (native-protocol's FrameCodec.encodeInto flags what it does not compress);
            // Cassandra ignores it there. The body is not compressed: clear the flag, as a message's raw bytes have it.
            buf.setByte(index + 1, flags & ~CqlEnvelopes.FLAG_COMPRESSED);
        }
        return checkHeader(buf, index);
    }

    private void emit(ByteBuf raw, List<Object> out, boolean beforeSegments) {
        if (beforeSegments) {
            try {
                trackHandshake(raw);
            } catch (RuntimeException e) {
                raw.release();
                throw e;
            }
        }
        // requests see the keyspace current when they arrived; responses need none
        CqlFrameParser parser = clientSide ? state.requestParser() : CqlFrameParser.INSTANCE;
        // every message of one read arrived at once; the runtime records latency once per distinct time
        out.add(Message.fromRaw(Protocol.CASSANDRA, raw, parser, readAtNanos != 0 ? readAtNanos : System.nanoTime()));
    }

    private void trackHandshake(ByteBuf raw) {
        int opcode = CqlEnvelopes.opcode(raw);
        if (clientSide && opcode == ProtocolConstants.Opcode.STARTUP) {
            int version = CqlEnvelopes.version(raw);
            state.startup(version, startupCompression(raw, version));
        } else if (!clientSide && (opcode == ProtocolConstants.Opcode.READY
                || opcode == ProtocolConstants.Opcode.AUTHENTICATE)) {
            state.handshakeAnswered(CqlEnvelopes.version(raw));
        }
    }

    /** The compression a STARTUP asks for; a STARTUP that does not parse asks for none (the server refuses it). */
    static CqlCompression startupCompression(ByteBuf raw, int version) {
        try {
            if (CqlFrameParser.decode(raw).message instanceof Startup startup) {
                return CqlCompression.fromStartupOptions(startup.options, version);
            }
        } catch (MessageParseException e) {
            // fall through: nothing is compressed
        }
        return CqlCompression.NONE;
    }

    private void rejectVersion(ChannelHandlerContext ctx, ByteBuf in, int version, boolean beta) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(CqlVersionNegotiation.reply(ctx.alloc(), version, beta, options.maxProtocolVersion()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseLargeEnvelope() {
        if (largeEnvelope != null) {
            largeEnvelope.release();
            largeEnvelope = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseLargeEnvelope();
    }
}
