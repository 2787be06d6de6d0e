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
import dev.shotover.runtime.sink.ReadTimeout;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.protocols.valkey.RespMessageKind;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
    private final Metrics.Counter failedRequests;

    private SinkConnection connection;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private List<Message> unsolicited = new ArrayList<>();
    private Throwable failure;
    private final ReadTimeout readTimeout;

    /** One request waiting for its response. */
    private record Outstanding(MessageId requestId, ResponseBatch batch, int index) {
    }

    ValkeySinkSingle(RuntimeContext context, HostAndPort destination, int connectTimeoutMs, Long readTimeoutSeconds,
                     Metrics.Counter failedRequests) {
        this.context = context;
        this.destination = destination;
        this.connectTimeoutMs = connectTimeoutMs;
        this.failedRequests = failedRequests;
        this.readTimeout = new ReadTimeout(context.eventLoop(), readTimeoutSeconds, () -> destination,
                () -> !outstanding.isEmpty() && failure == null, this::fail);
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
        ResponseBatch batch = new ResponseBatch(requests.size());
        boolean wasIdle = outstanding.isEmpty();
        for (int i = 0; i < requests.size(); i++) {
            outstanding.add(new Outstanding(requests.get(i).id(), batch, i));
        }
        if (wasIdle) {
            readTimeout.start();
        }
        connection.send(requests);
        if (unsolicited.isEmpty()) {
            return batch.done();
        }
        List<Message> pushes = takeUnsolicited();
        return batch.done().thenApply(responses -> {
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
            readTimeout.progress();
            response.setRequestId(request.requestId());
            if (kind == RespMessageKind.ERROR) {
                failedRequests.increment();
            }
            request.batch().put(request.index(), response);
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
        readTimeout.cancel();
        failOutstanding(cause);
        if (connection != null) {
            connection.close();
        }
    }

    private void failOutstanding(Throwable cause) {
        while (!outstanding.isEmpty()) {
            outstanding.poll().batch().fail(cause);
        }
    }

    @Override
    public void close() {
        readTimeout.cancel();
        if (connection != null) {
            connection.close();
        }
        for (Message message : unsolicited) {
            message.release();
        }
        unsolicited.clear();
        failOutstanding(new IOException("the client connection closed"));
    }
}
