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
import dev.shotover.runtime.tls.TlsConnector;
import dev.shotover.protocols.valkey.RespMessageKind;
import dev.shotover.protocols.valkey.ValkeyReplyPairing;
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
 * oldest unanswered request. What answers no request (RESP3 pushes, pub/sub messages, the further confirmations
 * of a {@code SUBSCRIBE} to several channels; {@link ValkeyReplyPairing} tells them apart) is handed up with no
 * request id, in exactly the place the server sent it: while requests are outstanding it travels with their run,
 * just before the response that followed it on the wire ({@link ResponseBatch}); when it follows the last response of a
 * run in the same backend read, it goes up with that run, after it; otherwise, when nothing is outstanding, it goes up
 * at once through a forced chain run, so a subscriber gets its messages as they are published.
 * Runs complete at the end of each backend read, not at their last response, so what redis wrote at once reaches the
 * client in one write: Lettuce completes {@code UNSUBSCRIBE} (from all) at its first confirmation and takes the others
 * for events only if they arrive with it, before its next command is queued; split over two writes, they are paired
 * with that next command. The backend connection is the client's own, so HELLO, RESP3 and every other session state pass
 * straight through.
 * When the backend cannot be reached or goes away, every outstanding run fails, which makes the runtime answer the
 * client with an error naming this transform and close the connection.
 */
final class ValkeySinkSingle implements Transform {
    private final RuntimeContext context;
    private final HostAndPort destination;
    private final int connectTimeoutMs;
    /** Null for plain TCP. */
    private final TlsConnector tls;
    private final Metrics.Counter failedRequests;

    private SinkConnection connection;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private final ValkeyReplyPairing pairing = new ValkeyReplyPairing();
    private List<Message> unsolicited = new ArrayList<>();
    /** Runs whose every response arrived in the current backend read; completed when the read ends. */
    private final ArrayList<ResponseBatch> answered = new ArrayList<>(2);
    private Throwable failure;
    private final ReadTimeout readTimeout;

    /**
     * One request waiting for its response; {@code kind} and {@code argumentCount} are what the reply pairing needs
     * to know about it (the count only for subscription commands).
     */
    private record Outstanding(MessageId requestId, ResponseBatch batch, int index,
                               ValkeyReplyPairing.RequestKind kind, int argumentCount) {
    }

    ValkeySinkSingle(RuntimeContext context, HostAndPort destination, TlsConnector tls, int connectTimeoutMs,
                     Long readTimeoutSeconds, Metrics.Counter failedRequests) {
        this.context = context;
        this.tls = tls;
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
            connection = SinkConnection.open(context, destination, tls, connectTimeoutMs,
                    () -> ProtocolCodecs.sink(Protocol.VALKEY), new Listener());
        }
        ResponseBatch batch = new ResponseBatch(requests.size());
        boolean wasIdle = outstanding.isEmpty();
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            ValkeyReplyPairing.RequestKind kind = ValkeyReplyPairing.kindOf(request);
            int arguments = kind.isSubscription() ? ValkeyReplyPairing.argumentCount(request) : 0;
            outstanding.add(new Outstanding(request.id(), batch, i, kind, arguments));
        }
        if (wasIdle) {
            readTimeout.start();
        }
        // what arrived since the last run (its forced run has not come yet) precedes these requests' responses
        for (Message pushed : takeUnsolicited()) {
            batch.putUnsolicited(0, pushed);
        }
        connection.send(requests);
        return batch.done();
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
            Outstanding head = outstanding.peek();
            if (!pairing.answersRequest(response, head == null ? null : head.kind(),
                    head == null ? 0 : head.argumentCount())) {
                if (!answered.isEmpty()) {
                    // redis wrote it together with the end of that run: it goes up in the same write
                    answered.get(answered.size() - 1).putUnsolicitedAtEnd(response);
                } else if (head != null) {
                    // keeps the server's order: it goes up with the run, before the response that comes next
                    head.batch().putUnsolicited(head.index(), response);
                } else {
                    unsolicited.add(response);
                    context.forceRunChain();
                }
                return;
            }
            Outstanding request = outstanding.poll();
            RespMessageKind kind = RespMessageKind.of(response);
            readTimeout.progress();
            response.setRequestId(request.requestId());
            if (kind == RespMessageKind.ERROR) {
                failedRequests.increment();
            }
            if (request.batch().store(request.index(), response)) {
                answered.add(request.batch());
            }
        }

        @Override
        public void onReadComplete() {
            completeAnswered();
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
        if (pairing.isSubscribed()) {
            // a subscriber sends nothing that would meet the failure: a run now closes its connection, as redis
            // closing it directly would (e.g. at its client-output-buffer-limit)
            context.forceRunChain();
        }
    }

    private void completeAnswered() {
        for (int i = 0; i < answered.size(); i++) {
            answered.get(i).complete();
        }
        answered.clear();
    }

    private void failOutstanding(Throwable cause) {
        // fully answered runs keep their answers; the client connection writes them before failing
        completeAnswered();
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
