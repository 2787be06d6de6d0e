package dev.shotover.runtime.sink;

import dev.shotover.api.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The responses of one chain run at a sink, filled in as they arrive from the backend, in request order. Its
 * {@link #done()} stage is what the sink's {@code transform} returns.
 *
 * <p>Unsolicited messages (pushes, pub/sub messages, extra subscription confirmations) that arrive while the run's
 * requests are outstanding can be kept at the place they arrived: before the response that came next on the wire
 * ({@link #putUnsolicited}), so the completed list is in exactly the server's order, which pub/sub clients rely on.
 * Without them it completes with a fixed-size list and costs nothing extra. Those that follow the last response in the
 * same backend read can be kept after it ({@link #putUnsolicitedAtEnd}), when the sink completes the batch itself at
 * the end of that read ({@link #store} and {@link #complete}): the client then gets them in the same write, as the
 * server sent them, which clients that pair replies by timing (Lettuce after an unsubscribe from all) rely on.
 *
 * <p>Confined to the connection's event loop. Owns the messages put into it until it completes (then the list's
 * receiver owns them) or fails (then it releases them).
 */
public final class ResponseBatch {
    private final Message[] responses;
    /** Unsolicited messages by the index of the response they preceded; null until the first one. */
    private List<Message>[] before;
    private final CompletableFuture<List<Message>> done = new CompletableFuture<>();
    private int missing;

    public ResponseBatch(int size) {
        responses = new Message[size];
        missing = size;
    }

    /** Completes with every response, in request order, and the unsolicited messages where they arrived. */
    public CompletableFuture<List<Message>> done() {
        return done;
    }

    /**
     * Stores the response to the request at {@code index}; the batch completes with the last one. After
     * {@link #fail} nobody will read it, so it is released here.
     */
    public void put(int index, Message response) {
        if (store(index, response)) {
            complete();
        }
    }

    /**
     * Stores the response to the request at {@code index} without completing the batch.
     *
     * @return true when this was the last response missing: the caller must then {@link #complete} the batch
     */
    public boolean store(int index, Message response) {
        if (done.isDone()) {
            // failed already: nobody will read it
            response.release();
            return false;
        }
        responses[index] = response;
        return --missing == 0;
    }

    /** Completes the batch once every response is stored; does nothing if it failed meanwhile. */
    public void complete() {
        if (missing == 0 && !done.isDone()) {
            done.complete(before == null ? Arrays.asList(responses) : interleaved());
        }
    }

    /**
     * Keeps an unsolicited message that arrived while the request at {@code index} was the oldest unanswered one, so
     * it is delivered just before that request's response.
     */
    @SuppressWarnings("unchecked")
    public void putUnsolicited(int index, Message unsolicited) {
        if (done.isDone()) {
            unsolicited.release();
            return;
        }
        if (before == null) {
            // one more slot: what follows the last response
            before = new List[responses.length + 1];
        }
        if (before[index] == null) {
            before[index] = new ArrayList<>(2);
        }
        before[index].add(unsolicited);
    }

    /** Keeps an unsolicited message that arrived after the last response, before the batch was completed. */
    public void putUnsolicitedAtEnd(Message unsolicited) {
        putUnsolicited(responses.length, unsolicited);
    }

    private List<Message> interleaved() {
        List<Message> all = new ArrayList<>(responses.length + 4);
        for (int i = 0; i < responses.length; i++) {
            if (before[i] != null) {
                all.addAll(before[i]);
            }
            all.add(responses[i]);
        }
        if (before[responses.length] != null) {
            all.addAll(before[responses.length]);
        }
        return all;
    }

    /** Fails the run once, releasing what it had received (nobody else will). */
    public void fail(Throwable cause) {
        if (done.isDone()) {
            return;
        }
        for (int i = 0; i < responses.length; i++) {
            if (responses[i] != null) {
                responses[i].release();
            }
        }
        if (before != null) {
            for (List<Message> unsolicited : before) {
                if (unsolicited != null) {
                    unsolicited.forEach(Message::release);
                }
            }
        }
        done.completeExceptionally(cause);
    }
}
