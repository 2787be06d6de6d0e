package dev.shotover.runtime.source;

import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Metrics;
import dev.shotover.runtime.ResponseStream;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.chain.TransformChain;
import dev.shotover.runtime.net.Transport;
import dev.shotover.runtime.observability.HotPathRecording;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one client connection: batches the requests of each read, runs the chain, writes the responses in order,
 * and ends the connection cleanly (a final flush run, error answers after a failure).
 *
 * <p>Requests are pipelined: a new batch runs as soon as it arrives, while earlier runs may still wait for their
 * backend. For in-order protocols the requests of one read make one run, and the responses of run N are written only
 * after those of run N-1. For out-of-order protocols (Cassandra) every request is a run of its own, written as soon as
 * it is answered, so one slow query holds back neither the answers to later ones nor those to the queries that came
 * in the same read (a driver multiplexes hundreds of them on one connection). Either way the backend connections
 * are flushed once per read, not once per run ({@link #deferFlush}). When too many runs
 * are outstanding or the client is not reading its responses, the connection stops reading (backpressure).
 *
 * <p>Confined to the channel's event loop.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements RuntimeContext {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    private static final int MAX_RUNS_IN_FLIGHT = 256;
    /**
     * Out-of-order runs hold one request each; drivers keep up to 1024 (the Java driver's default) or more in flight
     * on one connection.
     */
    private static final int MAX_OUT_OF_ORDER_RUNS_IN_FLIGHT = 4096;

    private final SourceServer source;
    private final boolean inOrder;
    private final int maxRunsInFlight;
    /** True while runs are being started: backend channels written meanwhile are flushed when that ends. */
    private boolean startingRuns;
    private final ArrayList<Channel> flushAfterRuns = new ArrayList<>(2);
    /** Out-of-order responses written and not yet flushed: one flush task is queued. */
    private boolean clientFlushQueued;
    private final Runnable flushClient = () -> {
        clientFlushQueued = false;
        this.ctx.flush();
    };
    private volatile ChannelHandlerContext ctx;
    private TransformChain chain;
    private List<Message> pending = new ArrayList<>();
    private final ArrayDeque<Run> runs = new ArrayDeque<>();
    private boolean forceRunQueued;
    private boolean failed;
    private boolean finished;
    private Promise<Void> drained;
    /** Backend channels that read only while the client is writable ({@link #readPacedByClient}). */
    private List<Channel> pacedBackends;
    /** The run whose first response a sink is writing ahead ({@link #streamResponse}); null when none. */
    private Run streaming;
    /** Splices from backends to this client not yet completed ({@link ResponseStream#spliceFrom}). */
    private int splicesInProgress;
    /** An empty write is queued whose completion paces the backends again ({@link #pacePacedBackends}). */
    private boolean pacingAfterWrites;
    private Metrics.Counter splicedBytes;

    /**
     * One chain run: the requests as they arrived, and the outcome once known. It is also the completion callback of
     * its stage, which saves allocating a lambda per run.
     */
    private final class Run implements BiConsumer<List<Message>, Throwable> {
        final List<Message> requests;
        final ChainState state;
        List<Message> responses;
        Throwable failure;
        boolean done;
        /** Answered with errors by {@link #failConnection}; whatever completes later is released, not written. */
        boolean abandoned;
        /** Its first response was written while it arrived ({@link #streamResponse}): not to be written again. */
        boolean firstResponseStreamed;

        Run(List<Message> requests, ChainState state) {
            this.requests = requests;
            this.state = state;
        }

        @Override
        public void accept(List<Message> result, Throwable error) {
            if (ctx.executor().inEventLoop()) {
                complete(this, result, error);
            } else {
                ctx.executor().execute(() -> complete(this, result, error));
            }
        }
    }

    ClientConnection(SourceServer source) {
        this.source = source;
        this.inOrder = source.inOrder();
        this.maxRunsInFlight = inOrder ? MAX_RUNS_IN_FLIGHT : MAX_OUT_OF_ORDER_RUNS_IN_FLIGHT;
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String clientIp = ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        chain = source.chain().instantiate(this, clientIp);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Message request = (Message) msg;
        if (finished || failed) {
            request.release();
            return;
        }
        pending.add(request);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!pending.isEmpty() && !failed && !finished) {
            startRuns(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateBackpressure();
        pacePacedBackends();
    }

    /**
     * Lets the paced backends read while the client is writable, or gone: after a client closes, the final flush run
     * still needs its responses read (and then discarded).
     */
    private void pacePacedBackends() {
        if (pacedBackends != null) {
            boolean read = backendsMayRead();
            if (read && splicesInProgress > 0 && clientHasPendingWrites()) {
                // a splice's bytes may be waiting in its pipe for the client's socket (Netty stopped the backend for
                // that and resumes it once they are out): a backend reading now could put nothing into the full pipe,
                // and level-triggered epoll would call it again at once, spinning. So wait until the writes are out.
                paceAfterPendingWrites();
                return;
            }
            for (int i = 0; i < pacedBackends.size(); i++) {
                pacedBackends.get(i).config().setAutoRead(read);
            }
        }
    }

    private boolean clientHasPendingWrites() {
        ChannelOutboundBuffer pendingWrites = ctx.channel().unsafe().outboundBuffer();
        return pendingWrites != null && !pendingWrites.isEmpty();
    }

    /** An empty write completes once everything written before it is out (splices included). */
    private void paceAfterPendingWrites() {
        if (pacingAfterWrites) {
            return;
        }
        pacingAfterWrites = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            pacingAfterWrites = false;
            pacePacedBackends();
        });
    }

    private boolean backendsMayRead() {
        Channel client = ctx.channel();
        return client.isWritable() || !client.isActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.debug("closing connection from {} to source {}: idle for longer than the timeout",
                    ctx.channel().remoteAddress(), source.name());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            Throwable reason = cause.getCause() != null ? cause.getCause() : cause;
            log.warn("failed to decode message from {} on source {}, closing the connection: {}",
                    ctx.channel().remoteAddress(), source.name(), reason.getMessage());
            // the requests that arrived intact before the bad bytes are still answered, then the connection closes
            if (!failed && !finished && ctx.channel().isActive()) {
                drain(ctx.newPromise());
                return;
            }
        } else if (cause instanceof IOException) {
            log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("unexpected error on connection from {} to source {}, closing it",
                    ctx.channel().remoteAddress(), source.name(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pacePacedBackends();
        releaseAll(pending);
        pending = new ArrayList<>();
        finish();
        ctx.fireChannelInactive();
    }

    // ---- chain runs ----

    /**
     * Runs the chain on the pending requests: one run for in-order protocols, one per request for out-of-order ones
     * (an empty pending list still makes one run: forced and flush runs). Backend channels the sinks write to
     * meanwhile are flushed once at the end.
     */
    private void startRuns(boolean flush) {
        List<Message> requests = pending;
        pending = new ArrayList<>();
        boolean outermost = !startingRuns;
        startingRuns = true;
        try {
            if (inOrder || requests.size() <= 1) {
                startRun(requests, flush);
            } else {
                for (int i = 0; i < requests.size(); i++) {
                    List<Message> one = new ArrayList<>(1);
                    one.add(requests.get(i));
                    startRun(one, flush);
                }
            }
        } finally {
            if (outermost) {
                startingRuns = false;
                flushBackends();
            }
        }
        updateBackpressure();
    }

    private void startRun(List<Message> requests, boolean flush) {
        if (failed || finished) {
            // an earlier run of the same read failed the connection synchronously, and closed it
            releaseAll(requests);
            return;
        }
        ChainState state = chain.newRun(new ArrayList<>(requests), ctx.channel().localAddress(), flush);
        Run run = new Run(requests, state);
        runs.add(run);
        // The run is its own completion callback: called at once for a synchronous chain, else when the backend
        // answers (see TransformChain#run(ChainState, BiConsumer) for why this is not a whenComplete).
        chain.run(state, run);
    }

    private void flushBackends() {
        for (int i = 0; i < flushAfterRuns.size(); i++) {
            flushAfterRuns.get(i).flush();
        }
        flushAfterRuns.clear();
    }

    private void complete(Run run, List<Message> responses, Throwable failure) {
        if (run.abandoned) {
            if (responses != null) {
                releaseAll(responses);
            }
            return;
        }
        run.done = true;
        run.responses = responses;
        run.failure = failure == null ? null : TransformChain.unwrap(failure);
        writeCompletedRuns();
    }

    /**
     * Writes the responses of finished runs, oldest first: for in-order protocols it stops at the first run still
     * waiting, for out-of-order ones it skips over it.
     */
    private void writeCompletedRuns() {
        boolean wrote = false;
        boolean close = false;
        Iterator<Run> it = runs.iterator();
        while (it.hasNext()) {
            Run run = it.next();
            if (!run.done) {
                if (inOrder) {
                    break;
                }
                continue;
            }
            it.remove();
            if (finished || failed) {
                discard(run);
                continue;
            }
            if (run.failure != null) {
                failConnection(run);
                return;
            }
            if (run == streaming) {
                streaming = null;
            }
            writeResponses(run.responses, run.firstResponseStreamed);
            releaseAll(run.requests);
            wrote = true;
            close |= run.state.closeClientConnection();
        }
        if (wrote) {
            if (inOrder || close) {
                ctx.flush();
            } else if (!clientFlushQueued) {
                // out of order, each run is one request: the runs a backend read completes are flushed together,
                // after that read, instead of one write to the client per response
                clientFlushQueued = true;
                ctx.executor().execute(flushClient);
            }
        }
        if (close) {
            finished = true;
            ctx.close();
            return;
        }
        updateBackpressure();
        if (drained != null && runs.isEmpty()) {
            finishDraining();
        }
    }

    /**
     * Writes the responses (no flush) and records Shotover's sink-to-source latency of each. Responses decoded from
     * one backend read share their receive time, so equal latencies in a row are recorded once with a count: a
     * pipelined batch costs one histogram update instead of one per response, with the same result.
     */
    private void writeResponses(List<Message> responses, boolean firstStreamed) {
        Timer latency = source.sinkToSourceLatency();
        long now = 0;
        long pendingReceived = 0;
        long pendingCount = 0;
        // transforms may return any list; index only those made for it, to keep this loop allocation-free
        List<Message> list = responses instanceof RandomAccess ? responses : new ArrayList<>(responses);
        for (int i = 0, n = list.size(); i < n; i++) {
            Message response = list.get(i);
            long received = response.receivedAtNanos();
            if (received != 0) {
                if (now == 0) {
                    now = System.nanoTime();
                }
                if (received != pendingReceived && pendingCount > 0) {
                    HotPathRecording.recordNanos(latency, now - pendingReceived, pendingCount, now);
                    pendingCount = 0;
                }
                pendingReceived = received;
                pendingCount++;
            }
            if (i > 0 || !firstStreamed) {
                ctx.write(response, ctx.voidPromise());
            }
            response.release();
        }
        if (pendingCount > 0) {
            HotPathRecording.recordNanos(latency, now - pendingReceived, pendingCount, now);
        }
    }

    private void discard(Run run) {
        releaseAll(run.requests);
        if (run.responses != null) {
            releaseAll(run.responses);
        }
    }

    /**
     * A transform failed: every request without a response gets a protocol-native error that names the chain, the
     * transform and the cause, and the connection closes. Logged once per connection.
     */
    private void failConnection(Run failedRun) {
        failed = true;
        String text = describeFailure(chain.name(), failedRun.failure);
        if (failedRun.firstResponseStreamed) {
            // the client has part of a response: anything written now would be read as the rest of it
            log.error("{}\n(part of the response had been written to the client; closing without error responses)",
                    text);
            streaming = null;
            releaseAll(failedRun.requests);
            while (!runs.isEmpty()) {
                Run run = runs.pollFirst();
                discard(run);
                run.abandoned = true;
            }
            releaseAll(pending);
            pending = new ArrayList<>();
            ctx.close();
            return;
        }
        log.error("{}", text);
        answerWithErrors(failedRun.requests, text);
        while (!runs.isEmpty()) {
            Run run = runs.pollFirst();
            answerWithErrors(run.requests, text);
            if (run.responses != null) {
                releaseAll(run.responses);
            }
            run.abandoned = true;
        }
        answerWithErrors(pending, text);
        pending = new ArrayList<>();
        ctx.flush();
        ctx.close();
    }

    private void answerWithErrors(List<Message> requests, String text) {
        for (Message request : requests) {
            try {
                ctx.write(request.errorResponse(ErrorKind.INTERNAL, text), ctx.voidPromise());
            } catch (RuntimeException e) {
                // a request no error response can be built for (e.g. a Kafka legacy SASL token, bytes that do not
                // parse) just sees the connection close
                log.debug("no error response for {}: {}", request, e.toString());
            }
            request.release();
        }
    }

    /**
     * Shotover's report of a chain failure: a heading, then the cause chain numbered. Protocols whose errors are one
     * line (RESP) fold the newlines into spaces, which gives exactly Shotover's client-visible text.
     */
    static String describeFailure(String chainName, Throwable failure) {
        StringBuilder text = new StringBuilder("Internal shotover (or custom transform) bug (chain: ")
                .append(chainName)
                .append("): Failed to send and/or receive messages, the connection will now be closed.\n\nCaused by:");
        int i = 0;
        for (Throwable t = failure; t != null && i < 20; t = t.getCause(), i++) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            text.append("\n    ").append(i).append(": ").append(message.replace('\n', ' '));
        }
        return text.toString();
    }

    private void updateBackpressure() {
        Channel channel = ctx.channel();
        boolean shouldRead = !finished && !failed && drained == null
                && runs.size() < maxRunsInFlight && channel.isWritable();
        if (channel.config().isAutoRead() != shouldRead) {
            channel.config().setAutoRead(shouldRead);
        }
    }

    /** The connection is over: run the chain once more with flush set, then close the transforms. */
    private void finish() {
        if (finished && chain == null) {
            return;
        }
        boolean wasFailed = failed;
        finished = true;
        if (chain == null) {
            return;
        }
        TransformChain closing = chain;
        if (wasFailed) {
            closing.close();
            return;
        }
        CompletionStage<List<Message>> flush;
        try {
            flush = closing.run(closing.newRun(new ArrayList<>(), ctx.channel().localAddress(), true));
        } catch (RuntimeException e) {
            flush = CompletableFuture.failedFuture(e);
        }
        flush.whenComplete((responses, failure) -> {
            if (failure != null) {
                log.error("encountered an error when flushing the chain {} for shutdown: {}", closing.name(),
                        describeFailure(closing.name(), TransformChain.unwrap(failure)));
            } else {
                releaseAll(responses);
            }
            ctx.executor().execute(closing::close);
        });
    }

    /**
     * Graceful shutdown of this connection: stop reading, let the outstanding runs finish and their responses be
     * written, then flush the chain and close. The promise completes when the channel is closed.
     */
    void drain(Promise<Void> done) {
        if (drained != null || !ctx.channel().isActive()) {
            ctx.channel().closeFuture().addListener(f -> done.trySuccess(null));
            return;
        }
        drained = done;
        updateBackpressure();
        if (!pending.isEmpty() && !failed) {
            startRuns(false);
        }
        if (runs.isEmpty()) {
            finishDraining();
        } else if (!failed) {
            // transforms that hold requests back until a flush (Coalesce) would keep their runs outstanding forever
            startRuns(true);
        }
    }

    private void finishDraining() {
        ctx.flush();
        Promise<Void> done = drained;
        ctx.channel().closeFuture().addListener(f -> done.trySuccess(null));
        ctx.close();
    }

    private static void releaseAll(List<Message> messages) {
        if (messages instanceof RandomAccess) {
            // the usual case (ArrayList, Arrays.asList), and this runs for every batch: no iterator
            for (int i = 0, n = messages.size(); i < n; i++) {
                messages.get(i).release();
            }
        } else {
            for (Message message : messages) {
                message.release();
            }
        }
    }

    /** The channel, or null before the handler was added. Thread-safe read (the field is set once). */
    Channel channelOrNull() {
        ChannelHandlerContext c = ctx;
        return c == null ? null : c.channel();
    }

    /**
     * Cut-through for a sink that is the whole chain: see {@link RuntimeContext#streamResponse}. The first response
     * of the oldest unwritten run is next on the wire whatever happens, so its bytes may go out as they arrive.
     */
    @Override
    public ResponseStream streamResponse(MessageId requestId) {
        if (!inOrder || chain == null || chain.size() != 1 || failed || finished || streaming != null) {
            return null;
        }
        Run oldest = runs.peekFirst();
        if (oldest == null || oldest.done || oldest.requests.isEmpty()
                || !oldest.requests.get(0).id().equals(requestId)) {
            return null;
        }
        oldest.firstResponseStreamed = true;
        streaming = oldest;
        return new Stream(oldest);
    }

    @Override
    public boolean canSpliceToClient(Channel backend) {
        Channel client = ctx.channel();
        return client instanceof AbstractEpollStreamChannel && backend instanceof AbstractEpollStreamChannel
                && client.eventLoop() == backend.eventLoop()
                && client.pipeline().get(SslHandler.class) == null && backend.pipeline().get(SslHandler.class) == null;
    }

    /** The response of {@code run} being written while it arrives. */
    private final class Stream implements ResponseStream {
        private final Run run;

        Stream(Run run) {
            this.run = run;
        }

        private boolean current() {
            return streaming == run && !failed && !finished;
        }

        @Override
        public void write(ByteBuf part) {
            if (!current()) {
                part.release();
                return;
            }
            ctx.writeAndFlush(part, ctx.voidPromise());
        }

        @Override
        @SuppressWarnings("deprecation") // spliceTo: Netty 4.2 marks it for removal in some later version
        public Future<Void> spliceFrom(Channel backend, int length) {
            if (!current() || !canSpliceToClient(backend)) {
                return backend.newFailedFuture(new ClosedChannelException());
            }
            ChannelPromise done = backend.newPromise();
            splicesInProgress++;
            done.addListener(f -> {
                splicesInProgress--;
                if (f.isSuccess()) {
                    if (splicedBytes == null) {
                        splicedBytes = source.metrics().counter("shotover_spliced_bytes_count", "source",
                                source.name());
                    }
                    splicedBytes.increment(length);
                }
                // Netty resumed the backend when the pipe drained, whether or not the client is writable now
                pacePacedBackends();
            });
            ((AbstractEpollStreamChannel) backend).spliceTo((AbstractEpollStreamChannel) ctx.channel(), length, done);
            return done;
        }
    }

    // ---- TransformContext ----

    @Override
    public String chainName() {
        return source.chain().name();
    }

    @Override
    public SocketAddress clientAddress() {
        return ctx.channel().remoteAddress();
    }

    @Override
    public ScheduledExecutorService eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public EventLoop nettyEventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator allocator() {
        return ctx.alloc();
    }

    @Override
    public Transport transport() {
        return source.transport();
    }

    @Override
    public ProxyMetrics metrics() {
        return source.metrics();
    }

    @Override
    public boolean deferFlush(Channel backend) {
        if (!startingRuns) {
            return false;
        }
        if (!flushAfterRuns.contains(backend)) {
            flushAfterRuns.add(backend);
        }
        return true;
    }

    @Override
    public void readPacedByClient(Channel backend) {
        if (pacedBackends == null) {
            pacedBackends = new ArrayList<>(2);
        }
        pacedBackends.add(backend);
        // both channels share this event loop, so the listener runs on it too
        backend.closeFuture().addListener(f -> pacedBackends.remove(backend));
        if (!backendsMayRead()) {
            backend.config().setAutoRead(false);
        }
    }

    @Override
    public void forceRunChain() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::forceRunChain);
            return;
        }
        if (forceRunQueued || finished || failed) {
            return;
        }
        forceRunQueued = true;
        ctx.executor().execute(() -> {
            forceRunQueued = false;
            if (!finished && !failed) {
                startRuns(false);
            }
        });
    }
}
