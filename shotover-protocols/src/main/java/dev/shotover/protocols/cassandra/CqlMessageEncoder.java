package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Startup;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes CQL {@link Message}s in the framing the connection has reached.
 *
 * <p>The envelope of a message is its raw bytes when it is unmodified (no re-encode), else the encoding of its
 * {@link CassandraFrame} ({@link CqlFrameParser#encode}). Then:
 * <ul>
 *   <li>v3/v4 with LZ4 or Snappy negotiated: the body is compressed (except STARTUP and OPTIONS, which are never
 *       compressed; Cassandra compresses the READY that answers the STARTUP, and so does this encoder);</li>
 *   <li>v5 after the handshake: envelopes are copied straight into self-contained segments of up to 128 KiB - 1
 *       (header and CRCs written around them in the outgoing buffer; with LZ4 the segment payload is gathered
 *       first and compressed into it), which go out on {@code flush()}; a larger envelope is cut into
 *       non-self-contained segments;</li>
 *   <li>otherwise the envelope is written as it is: copied into the batch (below), or, when its body is larger than
 *       {@value #COPY_LIMIT} bytes, as a retained duplicate (no copy).</li>
 * </ul>
 *
 * <p><b>Stream ids</b> (backend channels made with a {@link CqlStreamIdQueue}): each request is written with the
 * next queued stream id in its header. The request's own bytes are not changed: the envelope is copied into the
 * outgoing buffer with the new id (v5 copies into segments anyway); on v3/v4 a body larger than
 * {@value #COPY_LIMIT} bytes is written as a slice after a copied header instead.
 *
 * <p><b>Batching.</b> Whatever is copied (segments, compressed envelopes, envelopes up to {@value #COPY_LIMIT}
 * bytes of body) is gathered in one buffer per {@code flush()}, handed to the channel at the flush (or earlier once
 * it holds {@value #BATCH_WRITE_THRESHOLD} bytes): one buffer for all the messages of a chain run instead of a
 * buffer, a derived buffer or an I/O vector each. A message's write promise completes when the buffer carrying (the end of) it is written.
 *
 * <p>Handshake bookkeeping: on a backend channel the encoder records the STARTUP it writes (version, compression); on
 * a client channel, writing READY or AUTHENTICATE in v5 switches the connection to segments (the answer itself is
 * still a plain envelope), see {@link CqlConnectionState}.
 *
 * <p><b>Threading and buffers.</b> Not sharable: one instance per channel. The message is not released: it stays owned
 * by whoever wrote it. Messages of other protocols and other objects (e.g. the decoder's version-negotiation reply)
 * are passed on untouched, after what was gathered before them. Gathered bytes are released, and their promises
 * failed, if the channel closes before a flush.
 */
public final class CqlMessageEncoder extends ChannelOutboundHandlerAdapter {
    /** On v3/v4 an envelope body up to this size is copied into the batch; a larger one is written without a copy. */
    static final int COPY_LIMIT = 8 * 1024;
    /** A batch is handed to the channel before the flush once it holds this much (at an envelope or segment end). */
    static final int BATCH_WRITE_THRESHOLD = 64 * 1024;
    private static final int MIN_BATCH_CAPACITY = 256;
    /** The stream id of a message that is written with the id it has. */
    private static final int OWN_STREAM_ID = Integer.MIN_VALUE;

    private final boolean clientSide;
    private final CqlConnectionState state;
    /** The stream ids requests go out with, or null: as they are. */
    private final CqlStreamIdQueue streamIds;

    /** What was gathered since the last flush, or null. */
    private ByteBuf batch;
    /** The promises of the messages in {@link #batch} that are not void (the runtime writes with void ones). */
    private final List<ChannelPromise> batchPromises = new ArrayList<>();
    /** How large the last batch grew: the first guess for the next one, so that it rarely has to grow. */
    private int lastBatchSize = MIN_BATCH_CAPACITY;
    /** True while a self-contained segment is open (envelopes can still be added to it). */
    private boolean segmentOpen;
    /** Whether the open segment is LZ4-compressed. */
    private boolean segmentLz4;
    /** Where the header of the open uncompressed segment is in {@link #batch}. */
    private int segmentHeader;
    /** The uncompressed payload of the open LZ4 segment, compressed into {@link #batch} when it closes; or null. */
    private ByteBuf lz4Payload;

    private CqlMessageEncoder(boolean clientSide, CqlConnectionState state, CqlStreamIdQueue streamIds) {
        this.clientSide = clientSide;
        this.state = state;
        this.streamIds = streamIds;
    }

    /**
     * {@return the encoder of responses on a client channel}
     *
     * @param state shared with the channel's decoder
     */
    public static CqlMessageEncoder forResponses(CqlConnectionState state) {
        return new CqlMessageEncoder(true, state, null);
    }

    /**
     * {@return the encoder of requests on a backend channel, which writes them with the stream ids they have}
     *
     * @param state shared with the channel's decoder
     */
    public static CqlMessageEncoder forRequests(CqlConnectionState state) {
        return new CqlMessageEncoder(false, state, null);
    }

    /**
     * {@return the encoder of requests on a backend channel, which writes each with the next stream id of
     * {@code streamIds}}
     *
     * @param state     shared with the channel's decoder
     * @param streamIds the stream ids of the requests, in write order, filled by the sink
     */
    public static CqlMessageEncoder forRequests(CqlConnectionState state, CqlStreamIdQueue streamIds) {
        return new CqlMessageEncoder(false, state, Objects.requireNonNull(streamIds, "streamIds"));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Message message) || message.protocol() != Protocol.CASSANDRA) {
            writeBatch(ctx);
            ctx.write(msg, promise);
            return;
        }
        ByteBuf encoded = null;
        try {
            int streamId = streamIds != null ? streamIds.take() : OWN_STREAM_ID;
            ByteBuf raw = message.rawBytes();
            ByteBuf envelope;
            if (raw != null) {
                envelope = raw;
            } else {
                // freshly encoded, so ours: the new stream id can go straight into it
                envelope = encoded = CqlFrameParser.encode(message.frame(CassandraFrame.class), ctx.alloc());
                if (streamId != OWN_STREAM_ID) {
                    CqlEnvelopes.setStreamId(encoded, streamId);
                    streamId = OWN_STREAM_ID;
                }
            }
            int opcode = CqlEnvelopes.opcode(envelope);
            int version = CqlEnvelopes.version(envelope);
            if (!clientSide && opcode == ProtocolConstants.Opcode.STARTUP && !state.usesSegments()) {
                state.startup(version, startupCompression(message, envelope, version));
            } else if (clientSide && opcode == ProtocolConstants.Opcode.RESULT) {
                String keyspace = CqlEnvelopes.setKeyspaceOf(envelope);
                if (keyspace != null) {
                    state.keyspaceSet(keyspace);
                }
            }
            if (state.usesSegments()) {
                addToSegment(ctx, envelope, streamId, promise);
            } else {
                addEnvelope(ctx, envelope, opcode, streamId, promise);
            }
            if (clientSide && (opcode == ProtocolConstants.Opcode.READY
                    || opcode == ProtocolConstants.Opcode.AUTHENTICATE)) {
                state.handshakeAnswered(version);
            }
        } catch (RuntimeException e) {
            promise.tryFailure(new EncoderException("failed to encode CQL message " + message + ": " + e.getMessage(),
                    e));
        } finally {
            if (encoded != null) {
                encoded.release();
            }
        }
    }

    /**
     * v3/v4 (and v5 before the handshake): compressed or copied into the batch, with the new stream id if there is
     * one; a body above {@link #COPY_LIMIT} goes out as it is (a retained duplicate) or, with a new stream id, as a
     * slice after a copied header.
     */
    private void addEnvelope(ChannelHandlerContext ctx, ByteBuf envelope, int opcode, int streamId,
                             ChannelPromise promise) {
        int start = envelope.readerIndex();
        int length = envelope.readableBytes();
        if (compresses(opcode)) {
            ByteBuf out = batch(ctx, length + 32);
            int at = CqlCompressors.compressEnvelopeInto(envelope, state.compression(), out);
            setStreamId(out, at, streamId);
            addPromise(promise);
        } else if (length - CqlEnvelopes.HEADER_LENGTH <= COPY_LIMIT) {
            ByteBuf out = batch(ctx, length);
            int at = out.writerIndex();
            CqlSegments.appendBytes(envelope, start, length, out);
            setStreamId(out, at, streamId);
            addPromise(promise);
        } else if (streamId == OWN_STREAM_ID) {
            writeBatch(ctx);
            ctx.write(envelope.retainedDuplicate(), promise);
            return;
        } else {
            ByteBuf out = batch(ctx, CqlEnvelopes.HEADER_LENGTH);
            int at = out.writerIndex();
            CqlSegments.appendBytes(envelope, start, CqlEnvelopes.HEADER_LENGTH, out);
            setStreamId(out, at, streamId);
            writeBatch(ctx);
            ctx.write(envelope.retainedSlice(start + CqlEnvelopes.HEADER_LENGTH, length - CqlEnvelopes.HEADER_LENGTH),
                    promise);
            return;
        }
        if (batch.readableBytes() >= BATCH_WRITE_THRESHOLD) {
            writeBatch(ctx);
        }
    }

    /** v5 after the handshake: into the open segment, or into non-self-contained ones when larger than a segment. */
    private void addToSegment(ChannelHandlerContext ctx, ByteBuf envelope, int streamId, ChannelPromise promise) {
        boolean lz4 = state.compression() == CqlCompression.LZ4;
        int start = envelope.readerIndex();
        int length = envelope.readableBytes();
        if (length > CqlSegments.MAX_PAYLOAD_LENGTH) {
            closeSegment(ctx);
            writeLarge(ctx, envelope, streamId, lz4);
            addPromise(promise);
        } else {
            if (segmentOpen && (segmentLz4 != lz4 || openPayloadLength() + length > CqlSegments.MAX_PAYLOAD_LENGTH)) {
                closeSegment(ctx);
                if (batch.readableBytes() >= BATCH_WRITE_THRESHOLD) {
                    writeBatch(ctx);
                }
            }
            ByteBuf target = openSegment(ctx, lz4, length);
            int at = target.writerIndex();
            CqlSegments.appendBytes(envelope, start, length, target);
            setStreamId(target, at, streamId);
            addPromise(promise);
        }
        if (!segmentOpen && batch.readableBytes() >= BATCH_WRITE_THRESHOLD) {
            writeBatch(ctx);
        }
    }

    private boolean compresses(int opcode) {
        return state.compressesEnvelopes() && opcode != ProtocolConstants.Opcode.STARTUP
                && opcode != ProtocolConstants.Opcode.OPTIONS;
    }

    private static void setStreamId(ByteBuf buf, int envelopeIndex, int streamId) {
        if (streamId != OWN_STREAM_ID) {
            buf.setShort(envelopeIndex + 2, streamId);
        }
    }

    private void addPromise(ChannelPromise promise) {
        if (!promise.isVoid()) {
            batchPromises.add(promise);
        }
    }

    /** {@return the batch, created if needed, with room for {@code bytes} more} */
    private ByteBuf batch(ChannelHandlerContext ctx, int bytes) {
        if (batch == null) {
            batch = ctx.alloc().buffer(Math.max(bytes, lastBatchSize));
        } else {
            batch.ensureWritable(bytes);
        }
        return batch;
    }

    /** {@return where the next envelope of the open segment goes (opened if needed), with room for it} */
    private ByteBuf openSegment(ChannelHandlerContext ctx, boolean lz4, int length) {
        if (lz4) {
            if (!segmentOpen) {
                if (lz4Payload == null) {
                    lz4Payload = ctx.alloc().buffer(Math.max(length, Math.min(lastBatchSize,
                            CqlSegments.MAX_PAYLOAD_LENGTH)));
                }
                segmentOpen = true;
                segmentLz4 = true;
            }
            lz4Payload.ensureWritable(length);
            return lz4Payload;
        }
        ByteBuf out = batch(ctx, CqlSegments.headerLength(false) + length + CqlSegments.CRC32_LENGTH);
        if (!segmentOpen) {
            segmentHeader = CqlSegments.startUncompressed(out, length);
            segmentOpen = true;
            segmentLz4 = false;
        }
        return out;
    }

    private int openPayloadLength() {
        return segmentLz4 ? lz4Payload.readableBytes() : CqlSegments.uncompressedPayloadLength(batch, segmentHeader);
    }

    /** Completes the open segment, if any: header and CRCs around the payload (compressed first with LZ4). */
    private void closeSegment(ChannelHandlerContext ctx) {
        if (!segmentOpen) {
            return;
        }
        segmentOpen = false;
        if (segmentLz4) {
            int length = lz4Payload.readableBytes();
            ByteBuf out = batch(ctx, CqlSegments.headerLength(true) + CqlCompressors.lz4MaxCompressedLength(length)
                    + CqlSegments.CRC32_LENGTH);
            CqlSegments.write(lz4Payload, lz4Payload.readerIndex(), length, true, true, out);
            lz4Payload.clear();
        } else {
            CqlSegments.finishUncompressed(batch, segmentHeader, true);
        }
    }

    /** Cuts one envelope larger than a segment into non-self-contained segments, in the batch. */
    private void writeLarge(ChannelHandlerContext ctx, ByteBuf envelope, int streamId, boolean lz4) {
        ByteBuf source = envelope;
        if (streamId != OWN_STREAM_ID) {
            // rare (over 128 KiB): a patched copy to cut, since the request's bytes stay as they are
            source = ctx.alloc().buffer(envelope.readableBytes());
            CqlSegments.appendBytes(envelope, envelope.readerIndex(), envelope.readableBytes(), source);
            setStreamId(source, 0, streamId);
        }
        try {
            int end = source.writerIndex();
            for (int offset = source.readerIndex(); offset < end; offset += CqlSegments.MAX_PAYLOAD_LENGTH) {
                int length = Math.min(CqlSegments.MAX_PAYLOAD_LENGTH, end - offset);
                ByteBuf out = batch(ctx, CqlSegments.headerLength(lz4) + (lz4
                        ? CqlCompressors.lz4MaxCompressedLength(length) : length) + CqlSegments.CRC32_LENGTH);
                CqlSegments.write(source, offset, length, false, lz4, out);
            }
        } finally {
            if (source != envelope) {
                source.release();
            }
        }
    }

    /** Closes the open segment and hands the batch to the channel, with the promises of what it carries. */
    private void writeBatch(ChannelHandlerContext ctx) {
        closeSegment(ctx);
        if (batch == null) {
            return;
        }
        ByteBuf out = batch;
        batch = null;
        lastBatchSize = Math.max(MIN_BATCH_CAPACITY, Math.min(out.readableBytes(), BATCH_WRITE_THRESHOLD));
        int promises = batchPromises.size();
        if (promises == 0) {
            ctx.write(out, ctx.voidPromise());
        } else if (promises == 1) {
            ctx.write(out, batchPromises.get(0));
        } else {
            ChannelPromise[] carried = batchPromises.toArray(new ChannelPromise[0]);
            ctx.write(out).addListener(f -> {
                for (ChannelPromise p : carried) {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }
            });
        }
        batchPromises.clear();
    }

    private static CqlCompression startupCompression(Message message, ByteBuf envelope, int version) {
        if (message.isParsed() && message.frame(CassandraFrame.class).message() instanceof Startup startup) {
            return CqlCompression.fromStartupOptions(startup.options, version);
        }
        return CqlMessageDecoder.startupCompression(envelope, version);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        try {
            writeBatch(ctx);
        } catch (RuntimeException e) {
            failPending(new EncoderException("failed to write CQL v5 segments: " + e.getMessage(), e));
        }
        if (lz4Payload != null) {
            // up to a segment's worth per connection: not worth holding between flushes
            lz4Payload.release();
            lz4Payload = null;
        }
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        failPending(new ClosedChannelException());
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        failPending(new ClosedChannelException());
    }

    /** Drops what was gathered and not yet written, failing the promises of the messages it carried. */
    private void failPending(Throwable cause) {
        segmentOpen = false;
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (lz4Payload != null) {
            lz4Payload.release();
            lz4Payload = null;
        }
        List<ChannelPromise> failed = List.copyOf(batchPromises);
        batchPromises.clear();
        for (ChannelPromise p : failed) {
            p.tryFailure(cause);
        }
    }
}
