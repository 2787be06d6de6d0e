package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Startup;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.concurrent.PromiseCombiner;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes CQL {@link Message}s in the framing the connection has reached.
 *
 * <p>The envelope of a message is its raw bytes when it is unmodified (a retained duplicate: no copy, no re-encode),
 * else the encoding of its {@link CassandraFrame} ({@link CqlFrameParser#encode}). Then:
 * <ul>
 *   <li>v3/v4 with LZ4 or Snappy negotiated: the body is compressed (except STARTUP and OPTIONS, which are never
 *       compressed; Cassandra compresses the READY that answers the STARTUP, and so does this encoder);</li>
 *   <li>v5 after the handshake: envelopes are buffered until {@code flush()} and packed into self-contained
 *       segments of up to 128 KiB - 1 (LZ4-compressed if negotiated); a larger envelope is cut into
 *       non-self-contained segments. Each message's write promise completes when the segments carrying it are
 *       written;</li>
 *   <li>otherwise the envelope is written as it is.</li>
 * </ul>
 *
 * <p>Handshake bookkeeping: on a backend channel the encoder records the STARTUP it writes (version, compression); on
 * a client channel, writing READY or AUTHENTICATE in v5 switches the connection to segments (the answer itself is
 * still a plain envelope), see {@link CqlConnectionState}.
 *
 * <p><b>Threading and buffers.</b> Not sharable: one instance per channel. The message is not released: it stays owned
 * by whoever wrote it. Messages of other protocols and other objects (e.g. the decoder's version-negotiation reply)
 * are passed on untouched. Envelopes buffered for segments are released, and their promises failed, if the channel
 * closes before a flush.
 */
public final class CqlMessageEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean clientSide;
    private final CqlConnectionState state;
    /** Header and CRC32 trailer of a segment, rounded up. */
    private static final int SEGMENT_OVERHEAD = 16;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private record Pending(ByteBuf envelope, ChannelPromise promise) {
    }

    private CqlMessageEncoder(boolean clientSide, CqlConnectionState state) {
        this.clientSide = clientSide;
        this.state = state;
    }

    /**
     * {@return the encoder of responses on a client channel}
     *
     * @param state shared with the channel's decoder
     */
    public static CqlMessageEncoder forResponses(CqlConnectionState state) {
        return new CqlMessageEncoder(true, state);
    }

    /**
     * {@return the encoder of requests on a backend channel}
     *
     * @param state shared with the channel's decoder
     */
    public static CqlMessageEncoder forRequests(CqlConnectionState state) {
        return new CqlMessageEncoder(false, state);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Message message) || message.protocol() != Protocol.CASSANDRA) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf envelope = null;
        int opcode;
        int version;
        try {
            ByteBuf raw = message.rawBytes();
            envelope = raw != null ? raw.retainedDuplicate()
                    : CqlFrameParser.encode(message.frame(CassandraFrame.class), ctx.alloc());
            opcode = CqlEnvelopes.opcode(envelope);
            version = CqlEnvelopes.version(envelope);
            if (!clientSide && opcode == ProtocolConstants.Opcode.STARTUP && !state.usesSegments()) {
                state.startup(version, startupCompression(message, envelope, version));
            } else if (clientSide && opcode == ProtocolConstants.Opcode.RESULT) {
                String keyspace = CqlEnvelopes.setKeyspaceOf(envelope);
                if (keyspace != null) {
                    state.keyspaceSet(keyspace);
                }
            }
        } catch (RuntimeException e) {
            if (envelope != null) {
                envelope.release();
            }
            promise.tryFailure(new EncoderException("failed to encode CQL message " + message + ": " + e.getMessage(),
                    e));
            return;
        }
        if (state.usesSegments()) {
            pending.add(new Pending(envelope, promise));
            return;
        }
        ByteBuf out = envelope;
        if (state.compressesEnvelopes() && opcode != ProtocolConstants.Opcode.STARTUP
                && opcode != ProtocolConstants.Opcode.OPTIONS) {
            try {
                out = CqlCompressors.compressEnvelope(envelope, state.compression(), ctx.alloc());
            } catch (RuntimeException e) {
                promise.tryFailure(new EncoderException("failed to compress CQL message " + message + ": "
                        + e.getMessage(), e));
                return;
            } finally {
                envelope.release();
            }
        }
        ctx.write(out, promise);
        if (clientSide && (opcode == ProtocolConstants.Opcode.READY
                || opcode == ProtocolConstants.Opcode.AUTHENTICATE)) {
            state.handshakeAnswered(version);
        }
    }

    private static CqlCompression startupCompression(Message message, ByteBuf envelope, int version) {
        if (message.isParsed() && message.frame(CassandraFrame.class).message() instanceof Startup startup) {
            return CqlCompression.fromStartupOptions(startup.options, version);
        }
        return CqlMessageDecoder.startupCompression(envelope, version);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            writeSegments(ctx);
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

    /** Packs the buffered envelopes into segments, in order. */
    private void writeSegments(ChannelHandlerContext ctx) {
        boolean lz4 = state.compression() == CqlCompression.LZ4;
        List<Pending> batch = new ArrayList<>();
        int batchBytes = 0;
        while (!pending.isEmpty()) {
            Pending next = pending.poll();
            int size = next.envelope().readableBytes();
            if (size > CqlSegments.MAX_PAYLOAD_LENGTH) {
                batchBytes = writeSelfContained(ctx, batch, batchBytes, lz4);
                writeLarge(ctx, next, lz4);
                continue;
            }
            if (batchBytes + size > CqlSegments.MAX_PAYLOAD_LENGTH) {
                batchBytes = writeSelfContained(ctx, batch, batchBytes, lz4);
            }
            batch.add(next);
            batchBytes += size;
        }
        writeSelfContained(ctx, batch, batchBytes, lz4);
    }

    /** Writes the batch as one self-contained segment and empties it; returns the new batch size, 0. */
    private int writeSelfContained(ChannelHandlerContext ctx, List<Pending> batch, int batchBytes, boolean lz4) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<Pending> written = List.copyOf(batch);
        batch.clear();
        ByteBuf payload;
        if (written.size() == 1) {
            payload = written.get(0).envelope();
        } else {
            // a view over the envelopes: the segment is the only copy (the composite owns them from here)
            CompositeByteBuf envelopes = ctx.alloc().compositeBuffer(written.size());
            for (Pending p : written) {
                envelopes.addComponent(true, p.envelope());
            }
            payload = envelopes;
        }
        ByteBuf segment = ctx.alloc().buffer(segmentCapacity(batchBytes, lz4));
        try {
            CqlSegments.write(payload, true, lz4, segment);
        } catch (RuntimeException e) {
            segment.release();
            EncoderException failure = new EncoderException("failed to write a CQL v5 segment: " + e.getMessage(), e);
            written.forEach(p -> p.promise().tryFailure(failure));
            return 0;
        } finally {
            payload.release();
        }
        if (written.size() == 1) {
            ctx.write(segment, written.get(0).promise());
        } else {
            ctx.write(segment).addListener(f -> {
                for (Pending p : written) {
                    if (f.isSuccess()) {
                        p.promise().trySuccess();
                    } else {
                        p.promise().tryFailure(f.cause());
                    }
                }
            });
        }
        return 0;
    }

    /** Cuts one envelope larger than a segment into non-self-contained segments. */
    private void writeLarge(ChannelHandlerContext ctx, Pending large, boolean lz4) {
        ByteBuf envelope = large.envelope();
        List<ByteBuf> segments = new ArrayList<>();
        try {
            for (int offset = envelope.readerIndex(); offset < envelope.writerIndex();
                    offset += CqlSegments.MAX_PAYLOAD_LENGTH) {
                int length = Math.min(CqlSegments.MAX_PAYLOAD_LENGTH, envelope.writerIndex() - offset);
                ByteBuf segment = ctx.alloc().buffer(segmentCapacity(length, lz4));
                segments.add(segment);
                CqlSegments.write(envelope.slice(offset, length), false, lz4, segment);
            }
        } catch (RuntimeException e) {
            segments.forEach(ByteBuf::release);
            fail(List.of(large), new EncoderException("failed to write CQL v5 segments: " + e.getMessage(), e));
            return;
        }
        envelope.release();
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        for (ByteBuf segment : segments) {
            combiner.add(ctx.write(segment));
        }
        combiner.finish(large.promise());
    }

    private static int segmentCapacity(int payloadLength, boolean lz4) {
        return (lz4 ? CqlCompressors.lz4MaxCompressedLength(payloadLength) : payloadLength) + SEGMENT_OVERHEAD;
    }

    private void failPending(Throwable cause) {
        List<Pending> all = new ArrayList<>(pending);
        pending.clear();
        fail(all, cause);
    }

    private static void fail(List<Pending> entries, Throwable cause) {
        for (Pending p : entries) {
            p.envelope().release();
            p.promise().tryFailure(cause);
        }
    }
}
