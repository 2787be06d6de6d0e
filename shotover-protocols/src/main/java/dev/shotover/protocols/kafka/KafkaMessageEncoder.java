package dev.shotover.protocols.kafka;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;

/**
 * Writes Kafka {@link Message}s. An unmodified message is written as its original bytes (a retained duplicate: no
 * copy, no re-encode); a generated or modified one is encoded from its {@link KafkaFrame} with
 * {@link KafkaFrameCodec}. A {@link KafkaFrame.NoResponse} (the stand-in answer to a Produce with {@code acks=0}) is
 * written as nothing: its promise succeeds at once.
 *
 * <p>On a backend channel ({@link #forRequests}) the encoder also records, in the channel's
 * {@link KafkaRequestTracker}, the API key, version and correlation id of every request that the broker will answer,
 * so that the decoder can decode the responses, and every legacy SASL token ({@link KafkaFrame.SaslToken}), whose
 * answer is a bare token. A token is written like any message: its original bytes, or its size and bytes.
 *
 * <p><b>Threading and buffers.</b> The client-side instance ({@link #RESPONSES}) is stateless and
 * {@link ChannelHandler.Sharable}; a backend-side instance belongs to one channel. The message is not released: it
 * stays owned by whoever wrote it. Messages of other protocols are passed on untouched.
 */
@ChannelHandler.Sharable
public final class KafkaMessageEncoder extends ChannelOutboundHandlerAdapter {
    /** The encoder for client channels (responses); shared. */
    public static final KafkaMessageEncoder RESPONSES = new KafkaMessageEncoder(null);

    private final KafkaRequestTracker tracker;

    private KafkaMessageEncoder(KafkaRequestTracker tracker) {
        this.tracker = tracker;
    }

    /** The encoder of one backend channel, recording its requests in {@code tracker}. */
    public static KafkaMessageEncoder forRequests(KafkaRequestTracker tracker) {
        if (tracker == null) {
            throw new IllegalArgumentException("a request encoder needs its channel's tracker");
        }
        return new KafkaMessageEncoder(tracker);
    }

    @Override
    public boolean isSharable() {
        return tracker == null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Message message) || message.protocol() != Protocol.KAFKA) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf out;
        try {
            if (tracker != null) {
                track(message);
            }
            ByteBuf raw = message.rawBytes();
            if (raw != null) {
                out = raw.retainedDuplicate();
            } else {
                KafkaFrame frame = message.frame(KafkaFrame.class);
                if (frame instanceof KafkaFrame.NoResponse none) {
                    promise.trySuccess();
                    if (none.closeConnection()) {
                        // what was written before goes out first; the client learns of the failure from the close
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    }
                    return;
                }
                out = KafkaFrameCodec.encode(frame, ctx.alloc());
            }
        } catch (RuntimeException e) {
            promise.tryFailure(new EncoderException("failed to encode Kafka message " + message + ": " + e.getMessage(), e));
            return;
        }
        ctx.write(out, promise);
    }

    private void track(Message request) {
        if (KafkaMessages.isSaslToken(request)) {
            tracker.addSaslToken();
        } else if (KafkaMessages.expectsResponse(request)) {
            tracker.add(KafkaMessages.requestApiKey(request), KafkaMessages.requestApiVersion(request),
                    KafkaMessages.requestCorrelationId(request));
        }
    }
}
