package dev.shotover.runtime.sink;

import dev.shotover.api.Message;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The responses of one chain run at a sink, filled in as they arrive from the backend, in request order. Its
 * {@link #done()} stage is what the sink's {@code transform} returns.
 *
 * <p>Confined to the connection's event loop.
 */
public final class ResponseBatch {
    private final Message[] responses;
    private final CompletableFuture<List<Message>> done = new CompletableFuture<>();
    private int missing;

    public ResponseBatch(int size) {
        responses = new Message[size];
        missing = size;
    }

    /** Completes with every response once the last one has been {@link #put}. */
    public CompletableFuture<List<Message>> done() {
        return done;
    }

    /** Stores the response to the request at {@code index}; the batch completes with the last one. */
    public void put(int index, Message response) {
        responses[index] = response;
        if (--missing == 0) {
            done.complete(Arrays.asList(responses));
        }
    }

    /** Fails the run once, releasing the responses it had received (nobody else will). */
    public void fail(Throwable cause) {
        if (done.isDone()) {
            return;
        }
        for (Message received : responses) {
            if (received != null) {
                received.release();
            }
        }
        done.completeExceptionally(cause);
    }
}
