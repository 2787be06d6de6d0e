package dev.shotover.transforms.coalesce;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds requests back and sends them down-chain together, as one batch.
 *
 * <p>Requests of every run are added to a buffer. The whole buffer goes down-chain in a single batch when
 * <ul>
 *   <li>it holds at least {@code flushCount} requests (when a count is configured), or</li>
 *   <li>{@code interval} has passed since the first request entered the empty buffer (when an interval is
 *       configured). A timer on the connection's event loop asks the runtime for an empty run
 *       ({@link TransformContext#forceRunChain()}) when the interval expires, and that run sends the buffer: no
 *       further request is needed, unlike Shotover, whose documentation says a new message must arrive; or</li>
 *   <li>the run is a flush ({@link ChainState#flush()}: the client connection is closing or the proxy is shutting
 *       down).</li>
 * </ul>
 *
 * <p><b>Responses.</b> A run whose requests are buffered does not complete until the batch carrying them has been
 * sent and answered; it then completes with the responses to its own requests (paired by request id, in request
 * order), so every run keeps the one-response-per-request contract and the runtime writes responses in order. The
 * run that sends a batch also gets any response of that batch that answers none of the buffered requests
 * (unsolicited messages). If the batch fails, every run whose requests it carried fails with the same cause.
 *
 * <p><b>Calling down-chain.</b> Every run calls down-chain exactly once: with the buffer when it flushes, otherwise
 * with an empty batch, so forced runs and flushes still reach the sinks (which deliver pub/sub pushes on them).
 *
 * <p><b>Outstanding runs.</b> Every run whose requests are buffered stays outstanding. The runtime stops reading from
 * a client while 256 runs of that connection are outstanding, so a count can only be reached if the client sends
 * that many requests in fewer than 256 reads: a client that sends one request and waits for its answer never fills
 * the buffer past one. Such a connection waits for the interval (if configured) or for its close.
 *
 * <p><b>Threading.</b> One instance per connection, confined to its event loop; the timer runs on that loop too.
 * <b>Buffers.</b> The buffered requests stay owned by their runs (the runtime releases them once those runs
 * complete, which is after their batch was answered); responses are handed on, never dropped, so nothing is
 * released here.
 */
public final class Coalesce implements Transform {
    private final TransformContext context;
    private final int flushCount;
    private final long intervalNanos;

    private Gathering gathering = new Gathering();
    private boolean intervalRunning;
    private long deadlineNanos;
    private ScheduledFuture<?> timer;
    private boolean closed;

    /** The requests buffered for the next batch, and the promise of that batch's answers. */
    private static final class Gathering {
        final List<Message> requests = new ArrayList<>();
        final CompletableFuture<Answers> answered = new CompletableFuture<>();
    }

    /**
     * The responses of one sent batch: those answering a buffered request, by request id, for the runs to claim;
     * and the rest (no or unknown request id), for the run that sent the batch.
     */
    private record Answers(Map<MessageId, Message> byRequestId, List<Message> unsolicited) {
    }

    /**
     * @param flushCount    send the buffer once it holds this many requests; 0 for no count
     * @param intervalNanos send the buffer this long after its first request arrived; 0 for no interval
     */
    public Coalesce(TransformContext context, int flushCount, long intervalNanos) {
        if (flushCount <= 0 && intervalNanos <= 0) {
            throw new IllegalArgumentException("a Coalesce needs a flush count or an interval");
        }
        this.context = context;
        this.flushCount = Math.max(0, flushCount);
        this.intervalNanos = Math.max(0, intervalNanos);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> own = state.requests().isEmpty() ? List.of() : List.copyOf(state.requests());
        boolean bufferWasEmpty = gathering.requests.isEmpty();
        Gathering mine = own.isEmpty() ? null : gathering;
        gathering.requests.addAll(own);

        boolean send = !gathering.requests.isEmpty()
                && (state.flush() || (flushCount > 0 && gathering.requests.size() >= flushCount) || intervalElapsed());
        if (!send) {
            if (bufferWasEmpty && mine != null && intervalNanos > 0) {
                startInterval();
            }
            state.setRequests(new ArrayList<>());
            CompletionStage<List<Message>> down = state.callNextTransform();
            return mine == null ? down : whenAnswered(own, mine, down);
        }

        Gathering sent = gathering;
        gathering = new Gathering();
        stopInterval();
        // a copy: transforms further down may edit the batch, and the responses are paired with what was sent
        state.setRequests(new ArrayList<>(sent.requests));
        CompletionStage<List<Message>> down;
        try {
            down = state.callNextTransform();
        } catch (RuntimeException e) {
            down = CompletableFuture.failedFuture(e);
        }
        down.whenComplete((responses, failure) -> {
            if (failure != null) {
                sent.answered.completeExceptionally(failure);
            } else {
                sent.answered.complete(sort(sent.requests, responses));
            }
        });
        // this run takes its own responses and, as the sender, whatever answers none of the buffered requests
        return sent.answered.thenApply(answers -> {
            List<Message> result;
            try {
                result = claim(own, answers);
            } catch (RuntimeException e) {
                release(answers.unsolicited());
                throw e;
            }
            if (!answers.unsolicited().isEmpty()) {
                result.addAll(0, answers.unsolicited());
            }
            return result;
        });
    }

    /**
     * The stage of a run whose requests wait in {@code mine}: its own responses once that batch is answered, after
     * the responses of its own (empty) down-chain call.
     */
    private static CompletionStage<List<Message>> whenAnswered(List<Message> own, Gathering mine,
                                                               CompletionStage<List<Message>> down) {
        CompletableFuture<List<Message>> result = new CompletableFuture<>();
        down.whenComplete((extras, downFailure) -> mine.answered.whenComplete((answers, batchFailure) -> {
            if (downFailure == null && batchFailure == null) {
                List<Message> responses;
                try {
                    responses = claim(own, answers);
                } catch (RuntimeException e) {
                    release(extras);
                    result.completeExceptionally(e);
                    return;
                }
                if (!extras.isEmpty()) {
                    responses.addAll(0, extras);
                }
                result.complete(responses);
                return;
            }
            // the run fails: the responses it would have returned are dropped, so they are released here
            if (extras != null) {
                release(extras);
            }
            if (answers != null) {
                for (Message request : own) {
                    Message response = answers.byRequestId().remove(request.id());
                    if (response != null) {
                        response.release();
                    }
                }
            }
            result.completeExceptionally(downFailure != null ? downFailure : batchFailure);
        }));
        return result;
    }

    /** Splits a batch's responses into those answering one of {@code sent} and the rest. */
    private static Answers sort(List<Message> sent, List<Message> responses) {
        Set<MessageId> ids = new HashSet<>(sent.size() * 2);
        for (Message request : sent) {
            ids.add(request.id());
        }
        Map<MessageId, Message> byRequestId = new HashMap<>(sent.size() * 2);
        List<Message> unsolicited = new ArrayList<>(0);
        for (Message response : responses) {
            MessageId requestId = response.requestId();
            if (requestId != null && ids.contains(requestId) && !byRequestId.containsKey(requestId)) {
                byRequestId.put(requestId, response);
            } else {
                unsolicited.add(response);
            }
        }
        return new Answers(byRequestId, unsolicited);
    }

    /** The responses to {@code own}, in request order, taken out of {@code answers}. */
    private static List<Message> claim(List<Message> own, Answers answers) {
        List<Message> responses = new ArrayList<>(own.size() + 1);
        for (Message request : own) {
            Message response = answers.byRequestId().remove(request.id());
            if (response == null) {
                release(responses);
                throw new IllegalStateException("the down-chain returned no response to a request Coalesce had "
                        + "buffered (request " + request.id() + ")");
            }
            responses.add(response);
        }
        return responses;
    }

    private boolean intervalElapsed() {
        return intervalRunning && System.nanoTime() - deadlineNanos >= 0;
    }

    private void startInterval() {
        intervalRunning = true;
        deadlineNanos = System.nanoTime() + intervalNanos;
        timer = context.eventLoop().schedule(this::onTimer, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void stopInterval() {
        intervalRunning = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** On the event loop: the interval is over, so ask for an (empty) run, which will send the buffer. */
    private void onTimer() {
        timer = null;
        if (closed || !intervalRunning || gathering.requests.isEmpty()) {
            return;
        }
        long early = deadlineNanos - System.nanoTime();
        if (early > 0) {
            // a scheduler may wake up a little early; the run would then find the interval not yet over
            timer = context.eventLoop().schedule(this::onTimer, early, TimeUnit.NANOSECONDS);
            return;
        }
        context.forceRunChain();
    }

    /**
     * Cancels the timer. Normally the buffer is empty here, because the final flush run sent it; after a failed
     * connection (no flush run) the runs still waiting are failed so that nothing waits forever.
     */
    @Override
    public void close() {
        closed = true;
        stopInterval();
        if (!gathering.requests.isEmpty()) {
            Gathering abandoned = gathering;
            gathering = new Gathering();
            abandoned.answered.completeExceptionally(new IllegalStateException(
                    "the connection closed before Coalesce sent " + abandoned.requests.size() + " buffered requests"));
        }
    }

    /** How many requests wait in the buffer (for tests and diagnostics). */
    public int bufferedCount() {
        return gathering.requests.size();
    }

    private static void release(List<Message> messages) {
        for (Message message : messages) {
            message.release();
        }
    }
}
