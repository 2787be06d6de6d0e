package dev.shotover.testkit;

import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One call a transform made to the rest of its chain ({@link dev.shotover.api.ChainState#callNextTransform()}), as
 * recorded by a {@link ScriptedDownChain}: the batch it passed down and the stage it got back. A call of a
 * {@link ScriptedDownChain#manual() manual} down-chain stays unanswered until the test answers it with
 * {@link #respond(List)}, {@link #respondEach(Function)} or {@link #fail(Throwable)}; the transform's continuations
 * then run at once, on the test's thread.
 *
 * <p><b>Threading.</b> Used from the test thread, which plays the event loop.
 */
public final class DownChainCall {
    private final int sequence;
    private final int index;
    private final String chainName;
    private final List<Message> requests;
    private final boolean flush;
    private final CompletableFuture<List<Message>> responses = new CompletableFuture<>();

    DownChainCall(int sequence, int index, String chainName, List<Message> requests, boolean flush) {
        this.sequence = sequence;
        this.index = index;
        this.chainName = chainName;
        this.requests = List.copyOf(requests);
        this.flush = flush;
    }

    /** {@return 0 for the first call this down-chain received, 1 for the next, ... across all runs of the tester} */
    public int sequence() {
        return sequence;
    }

    /** {@return the index the chain state passed: how many times that run's state had called down-chain before} */
    public int index() {
        return index;
    }

    /** {@return the chain name of the run that made the call} */
    public String chainName() {
        return chainName;
    }

    /**
     * {@return the requests passed down, as they were at the moment of the call (later edits of the list do not show)}
     */
    public List<Message> requests() {
        return requests;
    }

    /** {@return the frames of {@link #requests()}, parsed} */
    public List<Frame> frames() {
        List<Frame> frames = new ArrayList<>(requests.size());
        for (Message request : requests) {
            frames.add(request.frame());
        }
        return frames;
    }

    /**
     * {@return the requests as {@link ValkeyMessages#describe(Message)} prints them, e.g.
     * {@code [SET foo bar, GET foo]}}
     */
    public List<String> describedRequests() {
        List<String> described = new ArrayList<>(requests.size());
        for (Message request : requests) {
            described.add(ValkeyMessages.describe(request));
        }
        return described;
    }

    /** {@return whether the run was a flush run ({@link dev.shotover.api.ChainState#flush()})} */
    public boolean flush() {
        return flush;
    }

    /** {@return whether the call was answered (successfully or not)} */
    public boolean isAnswered() {
        return responses.isDone();
    }

    /** {@return the stage handed to the transform} */
    public CompletionStage<List<Message>> stage() {
        return responses;
    }

    /**
     * Answers the call with exactly these responses. They are handed to the transform as they are: to simulate a
     * correct down-chain, give one response per request carrying its id ({@link Message#responseTo}).
     *
     * @param responses the responses the transform gets back
     * @throws IllegalStateException if the call was already answered
     */
    public void respond(List<Message> responses) {
        Objects.requireNonNull(responses, "responses");
        if (!this.responses.complete(new ArrayList<>(responses))) {
            throw new IllegalStateException("down-chain call " + this + " was already answered");
        }
    }

    /**
     * Answers every request with {@code Message.responseTo(request, answer(request))}, in request order.
     *
     * @param answer the response frame for each request
     */
    public void respondEach(Function<? super Message, ? extends Frame> answer) {
        respond(answerEach(requests, answer));
    }

    /**
     * Completes the call's stage exceptionally, as a sink whose backend connection failed.
     *
     * @param failure what the stage fails with
     * @throws IllegalStateException if the call was already answered
     */
    public void fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        if (!responses.completeExceptionally(failure)) {
            throw new IllegalStateException("down-chain call " + this + " was already answered");
        }
    }

    static List<Message> answerEach(List<Message> requests, Function<? super Message, ? extends Frame> answer) {
        List<Message> answered = new ArrayList<>(requests.size());
        for (Message request : requests) {
            Frame frame = answer.apply(request);
            if (frame == null) {
                throw new IllegalStateException("the down-chain script returned no frame for " + request
                        + "; use ScriptedDownChain.respondingWith to leave requests unanswered");
            }
            answered.add(Message.responseTo(request, frame));
        }
        return answered;
    }

    @Override
    public String toString() {
        return "#" + sequence + (flush ? " (flush) " : " ") + describedRequests()
                + (isAnswered() ? "" : " unanswered");
    }
}
