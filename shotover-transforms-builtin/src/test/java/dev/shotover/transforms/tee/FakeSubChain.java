package dev.shotover.transforms.tee;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A sub-chain instance the test drives: each run is recorded with a future the test completes (or an automatic
 * responder completes at once). Like the runtime's, a run owns its requests and releases them when it completes.
 */
final class FakeSubChain implements SubChain {

    /** One run: the requests it got, the parent's flush flag, and the future its stage completes with. */
    record Run(List<Message> requests, boolean flush, CompletableFuture<List<Message>> future) {
        /** Answers every request with {@code responder(request)}, in order. */
        void answer(Function<Message, Message> responder) {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                responses.add(responder.apply(request));
            }
            future.complete(responses);
        }
    }

    private final Function<List<Message>, List<Message>> autoResponder;
    private final List<Run> runs = new ArrayList<>();
    private boolean closed;

    private FakeSubChain(Function<List<Message>, List<Message>> autoResponder) {
        this.autoResponder = autoResponder;
    }

    /** Runs stay pending until the test completes them. */
    static FakeSubChain manual() {
        return new FakeSubChain(null);
    }

    /** Every run is answered at once by {@code responder}. */
    static FakeSubChain answering(Function<List<Message>, List<Message>> responder) {
        return new FakeSubChain(responder);
    }

    @Override
    public CompletionStage<List<Message>> process(ChainState parent, List<Message> requests) {
        List<Message> owned = List.copyOf(requests);
        Run run = new Run(owned, parent.flush(), new CompletableFuture<>());
        runs.add(run);
        CompletableFuture<List<Message>> released = run.future().whenComplete((responses, failure) -> {
            for (Message request : owned) {
                request.release();
            }
        });
        if (autoResponder != null) {
            run.future().complete(autoResponder.apply(owned));
        }
        return released;
    }

    @Override
    public void close() {
        closed = true;
        for (Run run : runs) {
            run.future().completeExceptionally(new IOException("the client connection closed"));
        }
    }

    List<Run> runs() {
        return runs;
    }

    Run run(int index) {
        return runs.get(index);
    }

    boolean closed() {
        return closed;
    }
}
