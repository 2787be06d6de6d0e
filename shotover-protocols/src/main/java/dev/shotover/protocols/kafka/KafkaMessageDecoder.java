package dev.shotover.protocols.kafka;

import dev.shotover.api.FrameParser;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

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
 * <p><b>Legacy SASL.</b> After a SaslHandshake <b>v0</b> request, a client sends its mechanism's tokens as bare
 * size-prefixed byte strings, and the broker answers each the same way (KIP-43; v1 clients wrap them in
 * SaslAuthenticate instead). The client side counts the tokens the handshake's mechanism takes
 * ({@code LegacySaslMechanisms}); the backend side knows a token's answer from the tracker. Tokens are emitted
 * already decoded, as {@link KafkaFrame.SaslToken}s, so that nothing reads a Kafka header from them. A broker rejects
 * a token by closing the connection without answering: when the connection closes, each token still waiting gets a
 * {@link KafkaFrame.NoResponse}, so the client sees what it would see without the proxy (no answer, then the close)
 * rather than a proxy failure. A mechanism whose tokens cannot be counted ({@code GSSAPI}) fails the connection when
 * its first token arrives.
 *
 * <p>A message that spans several reads is gathered by {@link LargeFrameCumulator}: without copying when it is
 * large, so a message may be a slice of a composite of read buffers.
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

    /**
     * Fetch responses at least this long are reported in parts while they arrive, when streaming was asked for:
     * below it, waiting for the whole response costs less than a write per part.
     */
    public static final int STREAMED_FETCH_MIN_LENGTH = 128 * 1024;
    /**
     * Within one read event (up to 16 reads of 64 KB), a part is reported as soon as this much more arrived, so the
     * client gets the first bytes after 4 reads rather than 16; the rest of the event's bytes follow at its end.
     */
    static final int STREAMED_PART_MIN_BYTES = 256 * 1024;

    private final KafkaRequestTracker tracker;
    private final int maxFrameSize;
    private final int minFrameSize;
    private final boolean streamLargeFetches;
    private boolean failed;
    /** Bytes of the incomplete response at the cumulation's start already reported in a part; 0 before the first. */
    private int reportedOfIncomplete;
    /** Bytes of the incomplete response that bypass this decoder ({@link KafkaResponsePart.Bypass}). */
    private int bypassedOfIncomplete;
    /** Report a streamed Fetch response after every read rather than per 256 KiB, and allow bypasses. */
    private boolean reportEveryRead;
    private final KafkaResponsePart.Bypass bypass = this::bypass;

    // client side only: the legacy SASL flow in progress
    /** Tokens the client still sends in the legacy flow; 0 outside it, {@link LegacySaslMechanisms#UNKNOWN}. */
    private int legacyTokensLeft;
    private String legacyMechanism;
    /** An OAUTHBEARER flow just ended: the client may acknowledge an error challenge with a 1-byte token. */
    private boolean errorAcknowledgementMayFollow;

    private KafkaMessageDecoder(KafkaRequestTracker tracker, int maxFrameSize, boolean streamLargeFetches) {
        if (maxFrameSize < 1 || maxFrameSize > DEFAULT_MAX_RESPONSE_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 1.." + DEFAULT_MAX_RESPONSE_SIZE + ", was "
                    + maxFrameSize);
        }
        this.tracker = tracker;
        this.maxFrameSize = maxFrameSize;
        this.streamLargeFetches = streamLargeFetches;
        setCumulator(LargeFrameCumulator.INSTANCE);
        this.minFrameSize = (tracker == null ? KafkaMessages.MIN_REQUEST_LENGTH : KafkaMessages.MIN_RESPONSE_LENGTH)
                - KafkaMessages.SIZE_PREFIX_LENGTH;
    }

    /** Decodes requests from clients; {@code maxFrameSize} counts the bytes after the size prefix. */
    public static KafkaMessageDecoder forRequests(int maxFrameSize) {
        return new KafkaMessageDecoder(null, maxFrameSize, false);
    }

    /** Decodes responses from a broker to the requests recorded in {@code tracker}. */
    public static KafkaMessageDecoder forResponses(KafkaRequestTracker tracker, int maxFrameSize) {
        return forResponses(tracker, maxFrameSize, false);
    }

    /**
     * Decodes responses; with {@code streamLargeFetches} a Fetch response of at least
     * {@link #STREAMED_FETCH_MIN_LENGTH} bytes is also reported in {@link KafkaResponsePart}s while it arrives.
     */
    public static KafkaMessageDecoder forResponses(KafkaRequestTracker tracker, int maxFrameSize,
                                                   boolean streamLargeFetches) {
        if (tracker == null) {
            throw new IllegalArgumentException("a response decoder needs the tracker of its channel's requests");
        }
        return new KafkaMessageDecoder(tracker, maxFrameSize, streamLargeFetches);
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
        boolean saslToken = tracker == null ? clientSendsSaslToken(size, in) : tracker.nextIsSaslToken();
        int minimum = saslToken ? 0 : minFrameSize;
        if (size < minimum || size > maxFrameSize) {
            throw fail(size < minimum
                    ? new KafkaDecodeException("invalid size prefix " + size + ": a Kafka "
                            + (tracker == null ? "request" : "response") + " is at least " + minFrameSize + " bytes")
                    : new KafkaDecodeException("a Kafka " + (tracker == null ? "request" : "response") + " of "
                            + size + " bytes exceeds the maximum frame size of " + maxFrameSize + " bytes"), in);
        }
        if (in.readableBytes() < KafkaMessages.SIZE_PREFIX_LENGTH + size - bypassedOfIncomplete) {
            if (!streamLargeFetches || saslToken) {
                return;
            }
            // mid-event: only when enough arrived to be worth a write of its own
            reportIncompleteFetch(ctx, in, reportEveryRead ? 1 : STREAMED_PART_MIN_BYTES);
            // the receiver may have taken the rest past us (a record set ending the response)
            if (failed || in.readableBytes() < KafkaMessages.SIZE_PREFIX_LENGTH + size - bypassedOfIncomplete) {
                return;
            }
        }
        if (saslToken) {
            out.add(saslToken(in, size));
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
        // a response with bypassed bytes holds only those that came through here (its receiver streamed it)
        ByteBuf raw = in.readRetainedSlice(KafkaMessages.SIZE_PREFIX_LENGTH + size - bypassedOfIncomplete);
        reportedOfIncomplete = 0;
        bypassedOfIncomplete = 0;
        Message message = Message.fromRaw(Protocol.KAFKA, raw, parser, System.nanoTime());
        if (tracker == null) {
            errorAcknowledgementMayFollow = false;
            startLegacySaslIfHandshakeV0(message);
        }
        out.add(message);
    }

    /**
     * After the reads of one event were decoded: if a large Fetch response is still incomplete, report what arrived
     * of it so far. At most once per {@link #STREAMED_PART_MIN_BYTES} and per read event rather than per read, so a
     * 3 MB response read 64 KB at a time makes about a dozen parts, not fifty.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (streamLargeFetches && !failed && !reportEveryRead) {
            reportIncompleteFetch(ctx, internalBuffer(), 1);
        }
        super.channelReadComplete(ctx);
    }

    /**
     * Reports the incomplete Fetch response at the start of {@code in} if at least {@code minNewBytes} arrived since
     * the last report. Fired straight to the next handler: whatever was decoded before it has been passed on already
     * (ByteToMessageDecoder hands on its output before each call to decode).
     */
    private void reportIncompleteFetch(ChannelHandlerContext ctx, ByteBuf in, int minNewBytes) {
        int received = in.readableBytes();
        if (received < KafkaMessages.MIN_RESPONSE_LENGTH || received - reportedOfIncomplete < minNewBytes) {
            return;
        }
        int length = KafkaMessages.SIZE_PREFIX_LENGTH + in.getInt(in.readerIndex());
        if (length < STREAMED_FETCH_MIN_LENGTH || received >= length - bypassedOfIncomplete) {
            return;
        }
        int correlationId = in.getInt(in.readerIndex() + KafkaMessages.SIZE_PREFIX_LENGTH);
        KafkaRequestTracker.Pending next = tracker.peek();
        // anything else (a mismatch included, which fails the connection once complete) waits to be whole
        if (next == null || next.saslToken() || next.apiKey() != ApiKeys.FETCH.id
                || next.correlationId() != correlationId) {
            return;
        }
        boolean first = reportedOfIncomplete == 0;
        reportedOfIncomplete = received;
        ctx.fireChannelRead(new KafkaResponsePart(correlationId, length, first,
                in.retainedSlice(in.readerIndex(), received), reportEveryRead ? bypass : null));
    }

    /**
     * Reports streamed Fetch responses after every read and lets the receiver of the parts take bytes past the
     * decoder ({@link KafkaResponsePart#bypass}): for a receiver that splices record sets, which needs to decide
     * before the next read. Called on the channel's event loop.
     */
    public void reportEveryRead(boolean everyRead) {
        this.reportEveryRead = everyRead;
    }

    private void bypass(int length, io.netty.util.concurrent.Future<?> done) {
        if (length <= 0) {
            throw new IllegalArgumentException("bypass of " + length + " bytes");
        }
        bypassedOfIncomplete += length;
        done.addListener(f -> {
            if (!f.isSuccess()) {
                // where the broker's stream stands is unknown now: nothing after can be decoded
                failed = true;
            }
        });
    }

    /**
     * Whether the client's next message, of {@code size} bytes, is a legacy SASL token: one of the tokens its
     * mechanism takes, or the 1-byte acknowledgement of an OAUTHBEARER error challenge (shorter than any request).
     */
    private boolean clientSendsSaslToken(int size, ByteBuf in) {
        if (legacyTokensLeft == LegacySaslMechanisms.UNKNOWN) {
            throw fail(new KafkaDecodeException("the legacy SASL flow (SaslHandshake v0) with mechanism "
                    + legacyMechanism + " is not supported: the proxy cannot tell where its tokens end. Clients "
                    + "that send SaslHandshake v1 and SaslAuthenticate work with any mechanism"), in);
        }
        return legacyTokensLeft > 0 || (errorAcknowledgementMayFollow && size < minFrameSize);
    }

    /** The legacy flow starts after a SaslHandshake v0 request: its mechanism says how many tokens follow. */
    private void startLegacySaslIfHandshakeV0(Message request) {
        if (KafkaMessages.requestApiKey(request) != ApiKeys.SASL_HANDSHAKE.id
                || KafkaMessages.requestApiVersion(request) != 0) {
            return;
        }
        String mechanism;
        try {
            mechanism = request.frame(KafkaFrame.Request.class).body(SaslHandshakeRequestData.class).mechanism();
        } catch (RuntimeException e) {
            // the broker rejects a handshake it cannot read, and no tokens follow
            return;
        }
        legacyMechanism = mechanism;
        legacyTokensLeft = LegacySaslMechanisms.clientTokens(mechanism);
    }

    private Message saslToken(ByteBuf in, int size) {
        if (tracker != null) {
            tracker.takeSaslToken();
        } else if (legacyTokensLeft > 0) {
            legacyTokensLeft--;
            errorAcknowledgementMayFollow = legacyTokensLeft == 0 && "OAUTHBEARER".equals(legacyMechanism);
        } else {
            errorAcknowledgementMayFollow = false;
        }
        ByteBuf raw = in.readRetainedSlice(KafkaMessages.SIZE_PREFIX_LENGTH + size);
        Message token = Message.fromRaw(Protocol.KAFKA, raw, KafkaFrameParsers.SASL_TOKEN, System.nanoTime());
        // decoded now (a copy of a few bytes) so that KafkaMessages never reads a Kafka header from it
        token.frame();
        return token;
    }

    /**
     * The broker closed the connection: a legacy SASL token still waiting was rejected (that is how brokers reject
     * them), so it gets the stand-in for "no answer", and the client sees only the close, as it would directly.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (tracker == null || failed) {
            return;
        }
        while (tracker.nextIsSaslToken()) {
            tracker.takeSaslToken();
            out.add(Message.fromFrame(new KafkaFrame.NoResponse(ApiKeys.SASL_AUTHENTICATE,
                    KafkaFrame.SaslToken.NO_VERSION, KafkaFrame.SaslToken.NO_CORRELATION_ID)));
        }
    }

    private KafkaDecodeException fail(KafkaDecodeException e, ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return e;
    }
}
