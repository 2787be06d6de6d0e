package dev.shotover.bench.loadgen;

import dev.shotover.protocols.valkey.RespScanner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection of a load run: it sends the requests the schedule assigns to it, one at a time, and times
 * each response from the request's intended start.
 *
 * <p>Like an ordinary unpipelined client, it has at most one request on the wire. A request that falls due while
 * the previous one is unanswered waits in a backlog and is sent the moment the answer arrives; its latency still
 * counts from its intended start (see {@link LatencyRecorder}). Responses are framed with the proxy's own
 * {@link RespScanner}, so any RESP2/RESP3 reply is understood without being parsed.
 *
 * <p><b>Threading.</b> Every method runs on the channel's event loop. <b>Buffers.</b> Each request written is a
 * retained duplicate from {@link RespRequests}, released by Netty once written; received bytes are owned and
 * released by {@link ByteToMessageDecoder}.
 */
final class FixedRateConnection extends ByteToMessageDecoder {
    private final RespRequests requests;
    private final RespScanner scanner = new RespScanner();
    private LatencyRecorder recorder;
    private Channel channel;
    private int nextKey;
    private final int keyStride;

    private boolean inFlight;
    private long inFlightIntended;
    private long inFlightSent;
    /** Intended start times of requests that are due but wait behind the one in flight (a ring). */
    private long[] backlog = new long[16];
    private int backlogHead;
    private int backlogSize;
    /** When the bytes being decoded were read: one clock read per socket read. */
    private long readNanos;

    /** Responses still expected for an unmeasured burst (the key-space fill), and who waits for them. */
    private int burstRemaining;
    private CompletableFuture<Void> burstDone;
    private long responses;
    private Throwable failure;

    /**
     * @param requests  the requests to send
     * @param firstKey  the key of this connection's first request; later ones advance by {@code keyStride}, so that
     *                  the connections of a run together cycle through every key
     * @param keyStride how far the key advances per request
     */
    FixedRateConnection(RespRequests requests, int firstKey, int keyStride) {
        this.requests = requests;
        this.nextKey = firstKey % requests.keys();
        this.keyStride = keyStride;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Starts recording into {@code recorder}; requests sent before are not measured. */
    void recordInto(LatencyRecorder recorder) {
        this.recorder = recorder;
    }

    /** A request falls due at {@code intendedNanos}: send it now, or after the one in flight is answered. */
    void due(long intendedNanos) {
        if (!inFlight) {
            send(intendedNanos);
            return;
        }
        if (backlogSize == backlog.length) {
            long[] grown = new long[backlog.length * 2];
            for (int i = 0; i < backlogSize; i++) {
                grown[i] = backlog[(backlogHead + i) % backlog.length];
            }
            backlog = grown;
            backlogHead = 0;
        }
        backlog[(backlogHead + backlogSize) % backlog.length] = intendedNanos;
        backlogSize++;
        recorder.backlog(backlogSize);
    }

    private void send(long intendedNanos) {
        inFlight = true;
        inFlightIntended = intendedNanos;
        inFlightSent = System.nanoTime();
        ByteBuf request = requests.command(nextKey);
        nextKey = (nextKey + keyStride) % requests.keys();
        channel.writeAndFlush(request, channel.voidPromise());
    }

    /**
     * Pipelines {@code count} fill requests (keys {@code first}, {@code first + stride}, ...) and completes when all
     * are answered. Not measured. Must not overlap with scheduled requests.
     */
    CompletableFuture<Void> burst(int first, int stride, int count) {
        burstDone = new CompletableFuture<>();
        burstRemaining = count;
        if (count == 0) {
            burstDone.complete(null);
            return burstDone;
        }
        for (int i = 0, key = first; i < count; i++, key += stride) {
            channel.write(requests.fill(key % requests.keys()), channel.voidPromise());
        }
        channel.flush();
        return burstDone;
    }

    /** {@return requests due or on the wire and not answered yet} */
    int outstanding() {
        return (inFlight ? 1 : 0) + backlogSize + burstRemaining;
    }

    /** {@return responses received so far} */
    long responses() {
        return responses;
    }

    /** {@return why the connection failed, or null} */
    Throwable failure() {
        return failure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readNanos = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = scanner.scan(in);
        if (length < 0) {
            return;
        }
        byte type = scanner.lastTypeByte();
        in.skipBytes(length);
        responses++;
        boolean error = type == '-' || type == '!';
        if (burstRemaining > 0) {
            if (error) {
                fail(new IOException("the key-space fill got an error reply"));
            }
            if (--burstRemaining == 0) {
                burstDone.complete(null);
            }
            return;
        }
        if (!inFlight) {
            fail(new IOException("received a response to no request"));
            return;
        }
        inFlight = false;
        recorder.response(inFlightIntended, inFlightSent, readNanos, error);
        if (backlogSize > 0) {
            long intended = backlog[backlogHead];
            backlogHead = (backlogHead + 1) % backlog.length;
            backlogSize--;
            send(intended);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (outstanding() > 0) {
            fail(new IOException("the target closed the connection with " + outstanding() + " requests unanswered"));
        }
        super.channelInactive(ctx);
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (burstDone != null && !burstDone.isDone()) {
            burstDone.completeExceptionally(cause);
        }
    }
}
