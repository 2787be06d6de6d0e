package dev.shotover.testkit;

import dev.shotover.api.ChainState;
import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One run of a transform made by {@link TransformTester}: the requests sent, the down-chain calls the run made, and
 * the responses (or failure) it came back with. The assertion methods return this run, so they chain.
 *
 * <p>Waiting is deterministic: {@link #responses()} and {@link #failure()} run the {@link TestEventLoop}'s pending
 * tasks until the stage completes, and fail at once (never hang) if it cannot complete without the test's help:
 * an unanswered call of a {@link ScriptedDownChain#manual() manual} down-chain, or a timer in the future.
 *
 * <p><b>Threading.</b> Use from the test thread.
 */
public final class ChainRun {
    private final TransformTester tester;
    private final List<Message> requests;
    private final List<DownChainCall> calls = new ArrayList<>();
    private ChainState state;
    private CompletableFuture<List<Message>> stage;
    private int callsAtCompletion = -1;

    ChainRun(TransformTester tester, List<Message> requests) {
        this.tester = tester;
        this.requests = requests;
    }

    void start(Transform transform, ChainState chainState) {
        this.state = chainState;
        CompletionStage<List<Message>> returned;
        try {
            returned = transform.transform(chainState);
        } catch (RuntimeException | AssertionError e) {
            // The runtime treats a throw like a failed stage.
            returned = CompletableFuture.failedFuture(e);
        }
        if (returned == null) {
            returned = CompletableFuture.failedFuture(new AssertionError("transform(...) returned null, not a stage"));
        }
        stage = returned.toCompletableFuture();
        stage.whenComplete((responses, failure) -> callsAtCompletion = calls.size());
    }

    DownChainCall recordCall(DownChainCall call) {
        calls.add(call);
        return call;
    }

    /** {@return the requests the test sent, as they were sent (the transform may have changed its batch since)} */
    public List<Message> requests() {
        return requests;
    }

    /** {@return the chain state of this run, e.g. to check {@link ChainState#closeClientConnection()}} */
    public ChainState state() {
        return state;
    }

    /** {@return the stage the transform returned} */
    public CompletableFuture<List<Message>> stage() {
        return stage;
    }

    /** {@return whether the stage has completed, without running anything} */
    public boolean isComplete() {
        return stage.isDone();
    }

    /** {@return whether a transform asked to close the client connection after this run} */
    public boolean closeClientConnection() {
        return state.closeClientConnection();
    }

    /** {@return the down-chain calls this run made so far, oldest first} */
    public List<DownChainCall> downChainCalls() {
        return List.copyOf(calls);
    }

    /**
     * {@return the batch this run passed down}
     *
     * @throws AssertionError unless the run made exactly one down-chain call
     */
    public List<Message> passedDown() {
        if (calls.size() != 1) {
            throw new AssertionError("expected exactly one down-chain call in this run, but there were "
                    + calls.size() + ": " + calls);
        }
        return calls.get(0).requests();
    }

    /**
     * Waits for the responses (running the event loop's pending tasks) and checks the transform's contract.
     *
     * @return the responses, in the order the transform returned them
     * @throws AssertionError if the stage failed or cannot complete, or the contract was broken; the message says
     *                        which request got no response, which response is extra, and so on
     */
    public List<Message> responses() {
        List<Message> responses = await();
        List<String> violations = contractViolations(responses);
        if (!violations.isEmpty()) {
            throw new AssertionError("the transform broke the contract of Transform.transform:\n  - "
                    + String.join("\n  - ", violations) + "\n" + describeRun(responses));
        }
        return responses;
    }

    /** {@return the frames of {@link #responses()}, in order} */
    public List<Frame> responseFrames() {
        List<Frame> frames = new ArrayList<>();
        for (Message response : responses()) {
            frames.add(response.frame());
        }
        return frames;
    }

    /**
     * {@return the response carrying {@code request}'s id}
     *
     * @param request one of the requests of this run
     * @throws AssertionError if there is none (or the contract was broken, see {@link #responses()})
     */
    public Message responseTo(Message request) {
        for (Message response : responses()) {
            if (request.id().equals(response.requestId())) {
                return response;
            }
        }
        throw new AssertionError("no response to " + ValkeyMessages.describe(request));
    }

    /**
     * {@return the exception the stage completed with (unwrapped from {@link CompletionException})}
     *
     * @throws AssertionError if the stage completed normally or cannot complete
     */
    public Throwable failure() {
        drive();
        try {
            List<Message> responses = stage.get();
            throw new AssertionError("expected the run to fail, but it completed with " + describe(responses));
        } catch (ExecutionException e) {
            return unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- assertions ----

    /**
     * Asserts that the run made exactly one down-chain call, whose batch was exactly these Valkey commands, in
     * order ({@link ValkeyMessages#frame(String)}). With no arguments: one call with an empty batch.
     *
     * @param commandLines the expected commands, e.g. {@code "SET foo bar"}
     * @return this run, for chaining
     */
    public ChainRun assertPassedDownValkey(String... commandLines) {
        List<Frame> expected = new ArrayList<>();
        for (String line : commandLines) {
            expected.add(ValkeyMessages.frame(line));
        }
        return assertPassedDownFrames(expected);
    }

    /**
     * Asserts that the run made exactly one down-chain call, whose batch had exactly these frames, in order.
     *
     * @param frames the expected frames
     * @return this run, for chaining
     */
    public ChainRun assertPassedDownFrames(Frame... frames) {
        return assertPassedDownFrames(Arrays.asList(frames));
    }

    private ChainRun assertPassedDownFrames(List<Frame> expected) {
        List<Message> passed = passedDown();
        List<Frame> actual = new ArrayList<>();
        for (Message message : passed) {
            actual.add(message.frame());
        }
        if (!actual.equals(expected)) {
            throw new AssertionError("passed down:\n  expected: " + describeFrames(expected) + "\n  but was:  "
                    + describeFrames(actual));
        }
        return this;
    }

    /**
     * Asserts that no request went down-chain: no call, or (for a non-terminating transform) an empty batch.
     *
     * @return this run, for chaining
     */
    public ChainRun assertNothingPassedDown() {
        for (DownChainCall call : calls) {
            if (!call.requests().isEmpty()) {
                throw new AssertionError("expected nothing passed down, but call " + call + " passed "
                        + call.describedRequests());
            }
        }
        return this;
    }

    /**
     * Asserts that the responses (after the contract check of {@link #responses()}) have exactly these frames, in
     * order, unsolicited responses included.
     *
     * @param expected the expected frames
     * @return this run, for chaining
     */
    public ChainRun assertResponses(Frame... expected) {
        List<Frame> actual = responseFrames();
        if (!actual.equals(Arrays.asList(expected))) {
            throw new AssertionError("responses:\n  expected: " + describeFrames(Arrays.asList(expected))
                    + "\n  but was:  " + describeFrames(actual));
        }
        return this;
    }

    /**
     * Asserts that the response to {@code request} has frame {@code expected}.
     *
     * @param request  one of the requests of this run
     * @param expected the expected frame of its response
     * @return this run, for chaining
     */
    public ChainRun assertResponse(Message request, Frame expected) {
        Frame actual = responseTo(request).frame();
        if (!actual.equals(expected)) {
            throw new AssertionError("response to " + ValkeyMessages.describe(request) + ":\n  expected: "
                    + ValkeyMessages.describe(expected) + "\n  but was:  " + ValkeyMessages.describe(actual));
        }
        return this;
    }

    /**
     * Asserts that the run failed with an exception whose message contains {@code messagePart}.
     *
     * @param messagePart text the failure's message must contain
     * @return this run, for chaining
     */
    public ChainRun assertFailedWith(String messagePart) {
        Throwable failure = failure();
        if (failure.getMessage() == null || !failure.getMessage().contains(messagePart)) {
            AssertionError error = new AssertionError("expected the run to fail with a message containing '"
                    + messagePart + "', but it failed with " + failure);
            error.initCause(failure);
            throw error;
        }
        return this;
    }

    // ---- internals ----

    private List<Message> await() {
        drive();
        try {
            List<Message> responses = stage.get();
            if (responses == null) {
                throw new AssertionError("the transform's stage completed with null instead of a list of responses");
            }
            return responses;
        } catch (ExecutionException e) {
            throw new AssertionError("the run failed: " + unwrap(e.getCause()), unwrap(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs the event loop until the stage completes; fails if it cannot complete without the test. */
    private void drive() {
        TestEventLoop loop = tester.eventLoop();
        while (!stage.isDone()) {
            if (loop.runPendingTasks() == 0) {
                break;
            }
        }
        if (stage.isDone()) {
            return;
        }
        StringBuilder why = new StringBuilder("the transform's stage did not complete, and nothing the test "
                + "harness can run would complete it.");
        List<DownChainCall> unanswered = new ArrayList<>();
        for (DownChainCall call : calls) {
            if (!call.isAnswered()) {
                unanswered.add(call);
            }
        }
        if (!unanswered.isEmpty()) {
            why.append("\n  Unanswered down-chain calls of this run: ").append(unanswered)
                    .append(" (answer them with DownChainCall.respond/respondEach/fail).");
        }
        if (loop.nextDeadline() != null) {
            why.append("\n  The event loop has ").append(loop.pendingTasks()).append(" task(s) scheduled, the next in ")
                    .append(loop.nextDeadline()).append(" (move the clock with eventLoop().advanceTimeBy).");
        }
        if (unanswered.isEmpty() && loop.nextDeadline() == null) {
            why.append("\n  No down-chain call is pending and no task is scheduled: the stage is never completed.");
        }
        throw new AssertionError(why.toString());
    }

    private List<String> contractViolations(List<Message> responses) {
        List<String> violations = new ArrayList<>();
        int callCount = callsAtCompletion >= 0 ? callsAtCompletion : calls.size();
        Boolean terminating = tester.isTerminating();
        if (Boolean.TRUE.equals(terminating) && callCount != 0) {
            violations.add("a terminating transform must not call down-chain, but it called " + callCount + " time(s)");
        } else if (Boolean.FALSE.equals(terminating) && callCount != 1) {
            violations.add("a non-terminating transform must call down-chain exactly once per run (also for empty "
                    + "batches, so flushes reach the sink), but it called " + callCount + " time(s)");
        } else if (terminating == null && callCount > 1) {
            violations.add("a transform must call down-chain at most once per run, but it called " + callCount
                    + " time(s)");
        }

        Map<MessageId, Integer> position = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            position.put(requests.get(i).id(), i);
        }
        Set<MessageId> answered = new HashSet<>();
        int lastPosition = -1;
        boolean orderReported = false;
        for (Message response : responses) {
            if (response == null) {
                violations.add("a response is null");
                continue;
            }
            MessageId requestId = response.requestId();
            if (requestId == null) {
                continue; // unsolicited (pushes): allowed anywhere
            }
            Integer at = position.get(requestId);
            if (at == null) {
                violations.add("response " + describe(response) + " answers no request of this run (a transform that "
                        + "adds a request must remove its response)");
                continue;
            }
            if (!answered.add(requestId)) {
                violations.add("request " + ValkeyMessages.describe(requests.get(at)) + " got more than one response");
                continue;
            }
            if (at < lastPosition && tester.protocol().isInOrder() && !orderReported) {
                violations.add(tester.protocol() + " is an in-order protocol, but the response to "
                        + ValkeyMessages.describe(requests.get(at)) + " comes after a response to a later request");
                orderReported = true;
            }
            lastPosition = Math.max(lastPosition, at);
        }
        for (Message request : requests) {
            if (!answered.contains(request.id())) {
                violations.add("request " + ValkeyMessages.describe(request) + " got no response (pair responses "
                        + "with requests by id: Message.responseTo / response.requestId())");
            }
        }
        return violations;
    }

    private String describeRun(List<Message> responses) {
        return "  requests:  " + describe(requests) + "\n  responses: " + describe(responses)
                + "\n  down-chain calls: " + calls;
    }

    private static String describe(List<Message> messages) {
        List<String> described = new ArrayList<>();
        for (Message message : messages) {
            described.add(message == null ? "null" : describe(message));
        }
        return described.toString();
    }

    private static String describe(Message message) {
        return ValkeyMessages.describe(message) + (message.requestId() == null ? " (no request id)" : "");
    }

    private static String describeFrames(List<Frame> frames) {
        List<String> described = new ArrayList<>();
        for (Frame frame : frames) {
            described.add(ValkeyMessages.describe(frame));
        }
        return described.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public String toString() {
        return "ChainRun[requests " + describe(requests) + ", " + (stage.isDone() ? "complete" : "pending") + "]";
    }
}
