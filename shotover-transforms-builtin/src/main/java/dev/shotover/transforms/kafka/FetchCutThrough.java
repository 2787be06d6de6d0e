package dev.shotover.transforms.kafka;

import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.protocols.kafka.FetchResponseWalker;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaResponsePart;
import dev.shotover.runtime.ResponseStream;
import dev.shotover.runtime.RuntimeContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;

/**
 * Writes a large Fetch response on to the client while it still arrives from the broker, when the runtime allows it
 * ({@link RuntimeContext#streamResponse}: the sink is the whole chain). Without this the proxy holds each response
 * until its last byte, so a consumer's fetch round trip grows by the time to receive the whole response (about 2 ms
 * for 3 MB here), and a consumer waits for each fetch.
 *
 * <p>The last {@link #HELD_BACK} bytes are held until the response is complete: a Fetch response (v16+) that names
 * new leaders carries them in its top-level tagged fields, which are the last bytes of the message, and their
 * ports must become the proxy's ({@link BrokerPortRewriter}). A port is a fixed-width field, so the rewritten
 * tagged fields have the same length and replace the held-back tail in place; the size prefix already written
 * stays right.
 *
 * <p><b>Splicing.</b> When the backend's bytes can be spliced to the client ({@link RuntimeContext#canSpliceToClient},
 * and the decoder then reports every read and offers a {@link KafkaResponsePart#bypass}), each part is walked with
 * kafka-clients' parser ({@link FetchResponseWalker}): when the bytes end inside a record set that continues for at
 * least {@link #MIN_SPLICE} more bytes, everything received is written and that remainder is spliced from the
 * broker's socket to the client's ({@link ResponseStream#spliceFrom}), never entering the proxy. Nothing needs to be
 * held back: the walker knows where the record sets end, and only what follows the last one (small, and holding
 * the new-leader endpoints) waits for the response to be complete.
 *
 * <p>Confined to the client connection's event loop, like the sink. Parts are released here; the complete response
 * message stays with the caller.
 */
final class FetchCutThrough {
    /** Bytes held back until the response is complete; more than the tagged fields of thousands of endpoints. */
    static final int HELD_BACK = 16 * 1024;

    /**
     * The least remainder of a record set worth a splice: below it, the bytes come through the proxy (a splice costs
     * two system calls and a pipe's round trip per 64 KiB).
     */
    static final int MIN_SPLICE = 64 * 1024;
    /** When splicing, bytes that came through the proxy are written once this many are ready (or before a splice). */
    static final int SPLICING_MIN_WRITE = 128 * 1024;

    /** {@link RuntimeContext#streamResponse} of the client connection. */
    private final Function<MessageId, ResponseStream> streams;
    /** The sink's failure: a splice that failed leaves the broker connection at an unknown position. */
    private final Consumer<Throwable> onSpliceFailure;
    private final FetchResponseWalker walker = new FetchResponseWalker(MIN_SPLICE);
    /** The response being streamed: its request, the stream and the bytes written so far. Null when none. */
    private MessageId request;
    private ResponseStream stream;
    private int written;
    /** The response being streamed is walked and its large record sets spliced from this backend channel. */
    private Channel spliceFrom;

    FetchCutThrough(Function<MessageId, ResponseStream> streams) {
        this(streams, failure -> {
        });
    }

    FetchCutThrough(Function<MessageId, ResponseStream> streams, Consumer<Throwable> onSpliceFailure) {
        this.streams = streams;
        this.onSpliceFailure = onSpliceFailure;
    }

    /**
     * What arrived so far of a large Fetch response answering {@code waiting} (the oldest request outstanding):
     * starts streaming it if the runtime allows, and writes what is no longer held back.
     */
    void onPart(KafkaResponsePart part, MessageId waiting) {
        onPart(part, waiting, (short) -1, null);
    }

    /**
     * As {@link #onPart(KafkaResponsePart, MessageId)}; splices record sets from {@code backend} when the part
     * allows it and {@code backend} is not null ({@code version} is the Fetch request's).
     */
    void onPart(KafkaResponsePart part, MessageId waiting, short version, Channel backend) {
        try {
            if (part.first()) {
                stream = streams.apply(waiting);
                request = stream == null ? null : waiting;
                written = 0;
                spliceFrom = stream != null && part.bypass() != null ? backend : null;
                if (spliceFrom != null) {
                    walker.reset(version, part.length());
                }
            }
            if (stream == null || !waiting.equals(request)) {
                return;
            }
            if (spliceFrom != null) {
                walkAndSplice(part);
                return;
            }
            int writable = part.received().readableBytes() - HELD_BACK - written;
            if (writable > 0) {
                stream.write(part.received().retainedSlice(part.received().readerIndex() + written, writable));
                written += writable;
            }
        } finally {
            part.received().release();
        }
    }

    private void walkAndSplice(KafkaResponsePart part) {
        ByteBuf received = part.received();
        int available = received.readableBytes();
        int splice = walker.walk(received);
        if (splice > 0) {
            // everything before the record set's remainder goes first; the splice is ordered after it
            writeUpTo(received, available);
            walker.addHole(available, splice);
            Future<Void> done = stream.spliceFrom(spliceFrom, splice);
            part.bypass().bypass(splice, done);
            done.addListener(f -> {
                if (!f.isSuccess()) {
                    onSpliceFailure.accept(new IOException("splicing " + splice + " bytes of a Fetch response to "
                            + "the client failed: " + f.cause(), f.cause()));
                }
            });
        } else if (walker.recordsFrontier() - written >= SPLICING_MIN_WRITE) {
            writeUpTo(received, walker.recordsFrontier());
        }
    }

    private void writeUpTo(ByteBuf received, int end) {
        if (end > written) {
            stream.write(received.retainedSlice(received.readerIndex() + written, end - written));
            written = end;
        }
    }

    /** Whether the response to {@code requestId} is being streamed, so {@link #finish} must complete it. */
    boolean isStreaming(MessageId requestId) {
        return stream != null && requestId.equals(request);
    }

    /**
     * Writes the rest of the streamed response, its new-leader ports rewritten to {@code port}. The message itself
     * is left unchanged; the runtime does not write it again.
     *
     * @throws IOException if the response names new leaders beyond the held-back tail (cannot happen with fewer
     *                     than a few thousand endpoints); the client then sees the connection close
     */
    void finish(Message response, short version, int port) throws IOException {
        ResponseStream out = stream;
        int done = written;
        boolean walked = spliceFrom != null;
        stop();
        ByteBuf raw = response.rawBytes();
        int length = raw.readableBytes();
        FetchResponseData body = null;
        if (walked) {
            // the message holds what came through the proxy; the walker knows the holes
            if (walker.walk(raw) != FetchResponseWalker.COMPLETE) {
                throw new IOException("a spliced Fetch response ended before its last field");
            }
            body = walker.body();
        } else if (version >= 16) {
            body = KafkaFrameCodec.skimResponse(raw, ApiKeys.FETCH, version).body(FetchResponseData.class);
        }
        ByteBuf tail = version >= 16 ? rewrittenTail(body, version, port) : null;
        int tailLength = tail == null ? 0 : tail.readableBytes();
        if (length - tailLength < done) {
            if (tail != null) {
                tail.release();
            }
            throw new IOException("a streamed Fetch response names new leaders in its last " + tailLength
                    + " bytes, but only " + (length - done) + " were held back");
        }
        out.write(raw.retainedSlice(raw.readerIndex() + done, length - done - tailLength));
        if (tail != null) {
            out.write(tail);
        }
    }

    /** Forgets the response being streamed (the connection failed, or it is finished). */
    void stop() {
        stream = null;
        request = null;
        written = 0;
        spliceFrom = null;
    }

    /**
     * The top-level tagged fields of a Fetch response with the new leaders' ports rewritten, as they end the
     * message; null when it names no new leaders (nothing to change).
     */
    private static ByteBuf rewrittenTail(FetchResponseData body, short version, int port) {
        if (body.nodeEndpoints().isEmpty()) {
            return null;
        }
        // the tagged fields' length: the body with them, less the body without them (then one byte: "no fields");
        // the skimmed records are empty both times
        int withTags = MessageUtil.toByteBufferAccessor(body, version).buffer().remaining();
        FetchResponseData untagged = body.duplicate();
        untagged.nodeEndpoints().clear();
        untagged.unknownTaggedFields().clear();
        int tagsLength = withTags - MessageUtil.toByteBufferAccessor(untagged, version).buffer().remaining() + 1;
        body.nodeEndpoints().forEach(endpoint -> endpoint.setPort(port));
        ByteBuffer rewritten = MessageUtil.toByteBufferAccessor(body, version).buffer();
        rewritten.position(rewritten.limit() - tagsLength);
        return Unpooled.wrappedBuffer(rewritten);
    }
}
