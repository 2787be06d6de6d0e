package dev.shotover.transforms.cassandra;

import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Gives each request written to the backend the stream id the sink assigned it, in the order the sink assigned them
 * (the connection writes requests in the order they were sent). The request itself is not touched: its bytes may be
 * shared with a copy travelling another chain (Tee), so the outgoing envelope is a fresh 9-byte header followed by
 * a slice of the original body.
 *
 * <p>Sits after the codec's encoder (nearer the tail), so it sees each request before the encoder does. Confined
 * to the connection's event loop.
 */
final class StreamIdRewriter extends ChannelOutboundHandlerAdapter {
    private static final int HEADER_LENGTH = 9;

    private int[] assigned = new int[64];
    private int head;
    private int size;

    /** Queues the stream id of the next request that will be written. */
    void assign(int streamId) {
        if (size == assigned.length) {
            int[] grown = new int[assigned.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = assigned[(head + i) % assigned.length];
            }
            assigned = grown;
            head = 0;
        }
        assigned[(head + size) % assigned.length] = streamId;
        size++;
    }

    private int next() {
        if (size == 0) {
            throw new IllegalStateException("a request was written without a stream id assigned");
        }
        int streamId = assigned[head];
        head = (head + 1) % assigned.length;
        size--;
        return streamId;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Message request)) {
            ctx.write(msg, promise);
            return;
        }
        int streamId = next();
        ByteBuf raw = request.rawBytes();
        Message outgoing;
        if (raw != null) {
            ByteBuf header = ctx.alloc().buffer(HEADER_LENGTH);
            header.writeBytes(raw, raw.readerIndex(), HEADER_LENGTH);
            header.setShort(2, streamId);
            CompositeByteBuf envelope = ctx.alloc().compositeBuffer(2);
            envelope.addComponent(true, header);
            envelope.addComponent(true, raw.retainedSlice(raw.readerIndex() + HEADER_LENGTH,
                    raw.readableBytes() - HEADER_LENGTH));
            outgoing = Message.fromRaw(Protocol.CASSANDRA, envelope, StreamIdRewriter::neverParsed, 0);
        } else {
            outgoing = Message.fromFrame(request.frame(CassandraFrame.class).withStreamId(streamId));
        }
        // the encoder writes a retained duplicate of the bytes, so this message can go as soon as it is written
        ctx.write(outgoing, promise);
        outgoing.release();
    }

    private static CassandraFrame neverParsed(ByteBuf raw) {
        throw new MessageParseException("an outgoing request is only written, never parsed");
    }
}
