package dev.shotover.protocols.kafka;

import dev.shotover.api.FrameParser;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the bytes of a Kafka connection into {@link Message}s by their 4-byte size prefix, without decoding them:
 * each message holds a retained slice of the received bytes (size prefix included) and decodes itself only if a
 * transform asks.
 *
 * <ul>
 *   <li>{@link #forRequests} (client side) attaches the request parser.</li>
 *   <li>{@link #forResponses} (backend side) reads each response's correlation id, takes the matching request from
 *       the {@link KafkaRequestTracker} the encoder filled, and attaches the parser for that request's API key and
 *       version.</li>
 * </ul>
 *
 * <p>A size prefix below the shortest header or above the maximum frame size, or a response nobody is waiting for,
 * raises a {@link KafkaDecodeException} (wrapped by Netty in a {@link io.netty.handler.codec.DecoderException}):
 * the stream cannot be resynchronised, so the connection should be closed. The error is raised once; later bytes
 * are discarded.
 *
 * <p><b>Threading and buffers.</b> Not sharable: one instance per channel. Each emitted message owns one reference to
 * its slice; whoever consumes the message must eventually {@link Message#release()} it.
 */
public final class KafkaMessageDecoder extends ByteToMessageDecoder {
    /** The broker's default {@code socket.request.max.bytes}: a request larger than this is refused by Kafka too. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 100 * 1024 * 1024;
    /** Kafka clients accept responses of any size; the limit is what a buffer can hold. */
    public static final int DEFAULT_MAX_RESPONSE_SIZE = Integer.MAX_VALUE - KafkaMessages.SIZE_PREFIX_LENGTH;

    private final KafkaRequestTracker tracker;
    private final int maxFrameSize;
    private final int minFrameSize;
    private boolean failed;

    private KafkaMessageDecoder(KafkaRequestTracker tracker, int maxFrameSize) {
        if (maxFrameSize < 1 || maxFrameSize > DEFAULT_MAX_RESPONSE_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 1.." + DEFAULT_MAX_RESPONSE_SIZE + ", was "
                    + maxFrameSize);
        }
        this.tracker = tracker;
        this.maxFrameSize = maxFrameSize;
        this.minFrameSize = (tracker == null ? KafkaMessages.MIN_REQUEST_LENGTH : KafkaMessages.MIN_RESPONSE_LENGTH)
                - KafkaMessages.SIZE_PREFIX_LENGTH;
    }

    /** Decodes requests from clients; {@code maxFrameSize} counts the bytes after the size prefix. */
    public static KafkaMessageDecoder forRequests(int maxFrameSize) {
        return new KafkaMessageDecoder(null, maxFrameSize);
    }

    /** Decodes responses from a broker to the requests recorded in {@code tracker}. */
    public static KafkaMessageDecoder forResponses(KafkaRequestTracker tracker, int maxFrameSize) {
        if (tracker == null) {
            throw new IllegalArgumentException("a response decoder needs the tracker of its channel's requests");
        }
        return new KafkaMessageDecoder(tracker, maxFrameSize);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < KafkaMessages.SIZE_PREFIX_LENGTH) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < minFrameSize || size > maxFrameSize) {
            throw fail(size < minFrameSize
                    ? new KafkaDecodeException("invalid size prefix " + size + ": a Kafka "
                            + (tracker == null ? "request" : "response") + " is at least " + minFrameSize + " bytes")
                    : new KafkaDecodeException("a Kafka " + (tracker == null ? "request" : "response") + " of "
                            + size + " bytes exceeds the maximum frame size of " + maxFrameSize + " bytes"), in);
        }
        if (in.readableBytes() < KafkaMessages.SIZE_PREFIX_LENGTH + size) {
            return;
        }
        FrameParser parser;
        if (tracker == null) {
            parser = KafkaFrameParsers.REQUEST;
        } else {
            KafkaRequestTracker.Pending request;
            try {
                request = tracker.take(in.getInt(in.readerIndex() + KafkaMessages.SIZE_PREFIX_LENGTH));
            } catch (KafkaDecodeException e) {
                throw fail(e, in);
            }
            parser = KafkaFrameParsers.response(request.apiKey(), request.apiVersion());
        }
        ByteBuf raw = in.readRetainedSlice(KafkaMessages.SIZE_PREFIX_LENGTH + size);
        out.add(Message.fromRaw(Protocol.KAFKA, raw, parser, System.nanoTime()));
    }

    private KafkaDecodeException fail(KafkaDecodeException e, ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return e;
    }
}
