package dev.shotover.transforms.valkey;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.runtime.ProtocolCodecs;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.protocols.valkey.RespMessageKind;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection instance of {@code ValkeySinkSingle}: one backend connection, opened on the first request.
 *
 * <p>Requests are written as they arrive (pipelined); Valkey answers in order, so each response is paired with the
 * oldest unanswered request. RESP3 pushes ({@code >}) and replies nobody asked for are handed up with no request id
 * on the next forced chain run. When the backend cannot be reached or goes away, every outstanding run fails, which
 * makes the runtime answer the client with an error naming this transform and close the connection.
 */
final class ValkeySinkSingle implements Transform {
    private final RuntimeContext context;
    private final HostAndPort destination;
    private final int connectTimeoutMs;
    private final Long readTimeoutSeconds;
    private final Metrics.Counter failedRequests;

    private SinkConnection connection;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private List<Message> unsolicited = new ArrayList<>();
    private Throwable failure;
    private long lastProgressNanos;
    private ScheduledFuture<?> readTimeoutCheck;

    /** One request waiting for its response. */
    private record Outstanding(MessageId requestId, Batch batch, int index) {
    }

    /** The responses of one chain run, filled in as they arrive. */
    private static final class Batch {
        final Message[] responses;
        final CompletableFuture<List<Message>> done = new CompletableFuture<>();
        int missing;

        Batch(int size) {
            responses = new Message[size];
            missing = size;
        }
    }

    ValkeySinkSingle(RuntimeContext context, HostAndPort destination, int connectTimeoutMs, Long readTimeoutSeconds,
                     Metrics.Counter failedRequests) {
        this.context = context;
        this.destination = destination;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutSeconds = readTimeoutSeconds;
        this.failedRequests = failedRequests;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        List<Message> requests = state.requests();
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(takeUnsolicited());
        }
        if (connection == null) {
            connection = SinkConnection.open(context, destination, connectTimeoutMs,
                    () -> ProtocolCodecs.sink(Protocol.VALKEY), new Listener());
        }
        Batch batch = new Batch(requests.size());
        boolean wasIdle = outstanding.isEmpty();
        for (int i = 0; i < requests.size(); i++) {
            outstanding.add(new Outstanding(requests.get(i).id(), batch, i));
        }
        if (wasIdle && readTimeoutSeconds != null) {
            // progress is only tracked for the read timeout: a clock read per request costs when nobody looks
            lastProgressNanos = System.nanoTime();
            scheduleReadTimeoutCheck();
        }
        connection.send(requests);
        if (unsolicited.isEmpty()) {
            return batch.done;
        }
        List<Message> pushes = takeUnsolicited();
        return batch.done.thenApply(responses -> {
            List<Message> all = new ArrayList<>(pushes.size() + responses.size());
            all.addAll(pushes);
            all.addAll(responses);
            return all;
        });
    }

    private List<Message> takeUnsolicited() {
        if (unsolicited.isEmpty()) {
            return List.of();
        }
        List<Message> taken = unsolicited;
        unsolicited = new ArrayList<>();
        return taken;
    }

    private final class Listener implements SinkConnection.Listener {
        @Override
        public void onMessage(Message response) {
            RespMessageKind kind = RespMessageKind.of(response);
            if (kind == RespMessageKind.PUSH || outstanding.isEmpty()) {
                unsolicited.add(response);
                context.forceRunChain();
                return;
            }
            Outstanding request = outstanding.poll();
            if (readTimeoutSeconds != null) {
                lastProgressNanos = System.nanoTime();
            }
            response.setRequestId(request.requestId());
            if (kind == RespMessageKind.ERROR) {
                failedRequests.increment();
            }
            Batch batch = request.batch();
            batch.responses[request.index()] = response;
            if (--batch.missing == 0) {
                batch.done.complete(Arrays.asList(batch.responses));
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            fail(cause);
        }
    }

    /** Fails every outstanding run and all later ones; the runtime then answers the client and closes. */
    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        cancelReadTimeoutCheck();
        Batch last = null;
        while (!outstanding.isEmpty()) {
            Outstanding request = outstanding.poll();
            if (request.batch() != last) {
                last = request.batch();
                releaseReceived(last);
                last.done.completeExceptionally(cause);
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    private static void releaseReceived(Batch batch) {
        for (Message received : batch.responses) {
            if (received != null) {
                received.release();
            }
        }
    }

    private void scheduleReadTimeoutCheck() {
        if (readTimeoutSeconds == null || readTimeoutCheck != null) {
            return;
        }
        readTimeoutCheck = context.eventLoop().schedule(this::checkReadTimeout, readTimeoutSeconds, TimeUnit.SECONDS);
    }

    private void checkReadTimeout() {
        readTimeoutCheck = null;
        if (outstanding.isEmpty() || failure != null) {
            return;
        }
        long waited = System.nanoTime() - lastProgressNanos;
        long limit = TimeUnit.SECONDS.toNanos(readTimeoutSeconds);
        if (waited >= limit) {
            fail(new IOException("Timed out after " + readTimeoutSeconds + "s waiting for a response from destination "
                    + destination));
        } else {
            readTimeoutCheck = context.eventLoop().schedule(this::checkReadTimeout, limit - waited,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void cancelReadTimeoutCheck() {
        if (readTimeoutCheck != null) {
            readTimeoutCheck.cancel(false);
            readTimeoutCheck = null;
        }
    }

    @Override
    public void close() {
        cancelReadTimeoutCheck();
        if (connection != null) {
            connection.close();
        }
        for (Message message : unsolicited) {
            message.release();
        }
        unsolicited.clear();
        Batch last = null;
        IOException closed = new IOException("the client connection closed");
        while (!outstanding.isEmpty()) {
            Outstanding request = outstanding.poll();
            if (request.batch() != last) {
                last = request.batch();
                releaseReceived(last);
                last.done.completeExceptionally(closed);
            }
        }
    }
}
