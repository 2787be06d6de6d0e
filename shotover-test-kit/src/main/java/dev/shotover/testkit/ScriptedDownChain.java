package dev.shotover.testkit;

import dev.shotover.api.ChainState;
import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The rest of the chain, scripted by the test: it answers each call according to its script and records every
 * batch passed down (see {@link #calls()}).
 *
 * <pre>{@code
 * ScriptedDownChain backend = ScriptedDownChain.answeringValkey(command -> ValkeyFrame.bulk("from backend"));
 * ScriptedDownChain slow = ScriptedDownChain.manual();             // the test answers each call itself
 * ScriptedDownChain store = ScriptedDownChain.fakeValkey();        // a tiny in-memory Valkey: GET, SET, DEL, ...
 * ScriptedDownChain broken = ScriptedDownChain.failingWith(new IOException("connection reset"));
 * }</pre>
 *
 * <p><b>Threading.</b> Called by the transform on the test thread (the simulated event loop); the record is
 * synchronized so a test may also read it from elsewhere.
 */
public final class ScriptedDownChain implements ChainState.DownChain {

    /** How a scripted down-chain answers one call. */
    @FunctionalInterface
    public interface Script {
        /**
         * Answers {@code call} now ({@link DownChainCall#respond}, {@link DownChainCall#fail}) or leaves it for the
         * test to answer later. An exception thrown here fails the call, unless it was answered already.
         *
         * @param call the call to answer
         * @throws Exception to fail the call
         */
        void answer(DownChainCall call) throws Exception;
    }

    private final String description;
    private final Script script;
    private final List<DownChainCall> calls = new ArrayList<>();

    private ScriptedDownChain(String description, Script script) {
        this.description = description;
        this.script = script;
    }

    /**
     * {@return a down-chain following a custom script}
     *
     * @param description what the down-chain does, for assertion messages
     * @param script      answers each call
     */
    public static ScriptedDownChain scripted(String description, Script script) {
        return new ScriptedDownChain(Objects.requireNonNull(description), Objects.requireNonNull(script));
    }

    /**
     * Answers every request with {@code answer(request)}, in request order, at once.
     *
     * @param answer the response frame for each request
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain answering(Function<? super Message, ? extends Frame> answer) {
        Objects.requireNonNull(answer);
        return new ScriptedDownChain("answering each request", call -> call.respondEach(answer));
    }

    /**
     * Answers every Valkey command with {@code answer(commandFrame)}, in request order, at once.
     *
     * @param answer the reply to each command
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain answeringValkey(Function<? super ValkeyFrame, ? extends ValkeyFrame> answer) {
        Objects.requireNonNull(answer);
        return new ScriptedDownChain("answering each Valkey command",
                call -> call.respondEach(request -> answer.apply(request.frame(ValkeyFrame.class))));
    }

    /**
     * Answers each batch with whatever {@code batchAnswer} returns, as is: the way to simulate a down-chain that
     * reorders, drops or adds responses.
     *
     * @param batchAnswer the responses to each batch of requests
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain respondingWith(Function<List<Message>, List<Message>> batchAnswer) {
        Objects.requireNonNull(batchAnswer);
        return new ScriptedDownChain("answering each batch", call -> call.respond(batchAnswer.apply(call.requests())));
    }

    /**
     * Fails every call with {@code failure}, as a sink whose backend is gone.
     *
     * @param failure what every call fails with
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain failingWith(Throwable failure) {
        Objects.requireNonNull(failure);
        return new ScriptedDownChain("failing with " + failure, call -> call.fail(failure));
    }

    /**
     * Leaves every call unanswered: the test answers them with {@link #pendingCalls()} /
     * {@link DownChainCall#respond}, in any order and at any time, to test pipelining and asynchronous completion.
     *
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain manual() {
        return new ScriptedDownChain("answered by the test", call -> {
        });
    }

    /** {@return a fresh in-memory Valkey ({@link FakeValkey}) answering every command} */
    public static ScriptedDownChain fakeValkey() {
        return fakeValkey(new FakeValkey());
    }

    /**
     * {@return {@code store} answering every command; the test can read and prepare its data}
     *
     * @param store the in-memory Valkey
     */
    public static ScriptedDownChain fakeValkey(FakeValkey store) {
        Objects.requireNonNull(store);
        return new ScriptedDownChain("an in-memory Valkey",
                call -> call.respondEach(request -> store.execute(request.frame(ValkeyFrame.class))));
    }

    /**
     * Fails every call with an {@link AssertionError}: the default of {@link TransformTester}, for transforms that
     * must answer everything themselves.
     *
     * @return the down-chain, for {@link TransformTester#downChain(ScriptedDownChain)}
     */
    public static ScriptedDownChain unexpected() {
        return new ScriptedDownChain("not expected to be called", call -> call.fail(new AssertionError(
                "the transform called down-chain with " + call.describedRequests()
                        + ", but the test gave no down-chain (TransformTester.downChain(...))")));
    }

    @Override
    public CompletionStage<List<Message>> call(int index, ChainState state) {
        return record(index, state).stage();
    }

    /** Records a call, lets the script answer it, and returns it. */
    DownChainCall record(int index, ChainState state) {
        DownChainCall call;
        synchronized (this) {
            call = new DownChainCall(calls.size(), index, state.chainName(), state.requests(), state.flush());
            calls.add(call);
        }
        try {
            script.answer(call);
        } catch (Exception | AssertionError e) {
            if (!call.isAnswered()) {
                call.fail(e);
            }
        }
        return call;
    }

    /** {@return every call so far, oldest first} */
    public synchronized List<DownChainCall> calls() {
        return Collections.unmodifiableList(new ArrayList<>(calls));
    }

    /** {@return the number of calls so far} */
    public synchronized int callCount() {
        return calls.size();
    }

    /**
     * {@return the most recent call}
     *
     * @throws AssertionError if there was none
     */
    public synchronized DownChainCall lastCall() {
        if (calls.isEmpty()) {
            throw new AssertionError("the transform never called down-chain");
        }
        return calls.get(calls.size() - 1);
    }

    /** {@return the calls not answered yet, oldest first (for {@link #manual()})} */
    public synchronized List<DownChainCall> pendingCalls() {
        List<DownChainCall> pending = new ArrayList<>();
        for (DownChainCall call : calls) {
            if (!call.isAnswered()) {
                pending.add(call);
            }
        }
        return pending;
    }

    /** {@return every request passed down so far, over all calls, in order} */
    public synchronized List<Message> allPassedDown() {
        List<Message> all = new ArrayList<>();
        for (DownChainCall call : calls) {
            all.addAll(call.requests());
        }
        return all;
    }

    @Override
    public synchronized String toString() {
        return "ScriptedDownChain[" + description + ", calls " + calls + "]";
    }
}
