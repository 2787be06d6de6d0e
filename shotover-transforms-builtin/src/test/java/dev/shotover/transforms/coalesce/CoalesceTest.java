package dev.shotover.transforms.coalesce;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalesceTest {
    private final EventLoopContext loop = new EventLoopContext();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    /** A down-chain whose stages the test completes: each call is recorded with a future to complete. */
    private static final class PendingDownChain implements ChainState.DownChain {
        final List<List<Message>> calls = new ArrayList<>();
        final List<CompletableFuture<List<Message>>> stages = new ArrayList<>();

        @Override
        public CompletionStage<List<Message>> call(int index, ChainState state) {
            calls.add(List.copyOf(state.requests()));
            CompletableFuture<List<Message>> stage = new CompletableFuture<>();
            if (state.requests().isEmpty()) {
                // an empty call is answered at once, as sinks do
                stage.complete(new ArrayList<>());
            }
            stages.add(stage);
            return stage;
        }

        /** Answers call {@code i} as an echo sink would. */
        void echo(int i) {
            stages.get(i).complete(FakeDownChain.echoAll(calls.get(i)));
        }
    }

    private static Coalesce coalesce(EventLoopContext context, Long count, Long millis) {
        TransformBuilder builder = new CoalesceConfig("coalesce", count, millis)
                .builder(TestContexts.build("Coalesce", new TestMetrics()));
        assertThat(builder.validate()).isEmpty();
        return (Coalesce) builder.build(context);
    }

    private static ChainState run(ChainState.DownChain down, List<Message> requests) {
        return new ChainState("test-chain", null, requests, false, down);
    }

    private static ChainState flushRun(ChainState.DownChain down) {
        return new ChainState("test-chain", null, new ArrayList<>(), true, down);
    }

    @Test
    void requestsWaitUntilTheCountIsReachedThenGoDownAsOneBatch() {
        Coalesce coalesce = coalesce(loop, 3L, null);
        PendingDownChain down = new PendingDownChain();
        Message a = command("SET", "a", "1");
        Message b = command("SET", "b", "2");
        Message c = command("SET", "c", "3");

        CompletableFuture<List<Message>> first = coalesce.transform(run(down, batch(a, b))).toCompletableFuture();
        // the buffering run still calls down-chain, with an empty batch
        assertThat(down.calls).containsExactly(List.of());
        assertThat(first).isNotDone();
        assertThat(coalesce.bufferedCount()).isEqualTo(2);

        CompletableFuture<List<Message>> second = coalesce.transform(run(down, batch(c))).toCompletableFuture();
        assertThat(down.calls).containsExactly(List.of(), List.of(a, b, c));
        assertThat(coalesce.bufferedCount()).isZero();
        // sent, not yet answered: nobody completes before the batch's responses arrive
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        down.echo(1);
        assertThat(first.join()).extracting(Message::requestId).containsExactly(a.id(), b.id());
        assertThat(first.join()).extracting(r -> render(r)).containsExactly("bulk:echo:SET a 1", "bulk:echo:SET b 2");
        assertThat(second.join()).extracting(Message::requestId).containsExactly(c.id());
    }

    @Test
    void aRunThatOverfillsTheBufferSendsAllOfIt() {
        Coalesce coalesce = coalesce(loop, 2L, null);
        FakeDownChain down = FakeDownChain.echo();
        Message a = command("GET", "a");
        Message b = command("GET", "b");
        Message c = command("GET", "c");

        List<Message> responses = coalesce.transform(down.state(batch(a, b, c))).toCompletableFuture().join();

        assertThat(down.calls()).containsExactly(List.of(a, b, c));
        assertThat(responses).extracting(Message::requestId).containsExactly(a.id(), b.id(), c.id());
    }

    @Test
    void countOfOneSendsEveryRunAtOnce() {
        Coalesce coalesce = coalesce(loop, 1L, null);
        FakeDownChain down = FakeDownChain.echo();
        Message a = command("GET", "a");

        assertThat(coalesce.transform(down.state(batch(a))).toCompletableFuture().join())
                .extracting(r -> render(r)).containsExactly("bulk:echo:GET a");
        assertThat(down.calls()).containsExactly(List.of(a));
    }

    @Test
    void aFlushRunSendsWhateverIsBuffered() {
        Coalesce coalesce = coalesce(loop, 100L, null);
        FakeDownChain down = FakeDownChain.echo();
        Message a = command("SET", "a", "1");

        CompletableFuture<List<Message>> buffered = coalesce.transform(down.state(batch(a))).toCompletableFuture();
        assertThat(buffered).isNotDone();

        List<Message> flushResponses = coalesce.transform(flushRun(down)).toCompletableFuture().join();

        assertThat(down.calls()).containsExactly(List.of(), List.of(a));
        assertThat(flushResponses).isEmpty();
        assertThat(buffered.join()).extracting(Message::requestId).containsExactly(a.id());
    }

    @Test
    void anEmptyRunWithNothingBufferedPassesDownAndReturnsWhatComesBack() {
        Coalesce coalesce = coalesce(loop, 10L, null);
        Message push = Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))));
        FakeDownChain down = new FakeDownChain(requests -> new ArrayList<>(List.of(push)));

        List<Message> responses = coalesce.transform(down.state(batch())).toCompletableFuture().join();

        assertThat(down.calls()).containsExactly(List.of());
        assertThat(responses).containsExactly(push);
    }

    @Test
    void unsolicitedResponsesOfASentBatchGoToTheRunThatSentIt() {
        Coalesce coalesce = coalesce(loop, 2L, null);
        Message push = Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))));
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = new ArrayList<>();
            if (!requests.isEmpty()) {
                responses.add(push);
            }
            responses.addAll(FakeDownChain.echoAll(requests));
            return responses;
        });
        Message a = command("GET", "a");
        Message b = command("GET", "b");

        CompletableFuture<List<Message>> first = coalesce.transform(down.state(batch(a))).toCompletableFuture();
        CompletableFuture<List<Message>> second = coalesce.transform(down.state(batch(b))).toCompletableFuture();

        assertThat(first.join()).extracting(Message::requestId).containsExactly(a.id());
        assertThat(second.join()).containsExactly(push, second.join().get(1));
        assertThat(second.join().get(1).requestId()).isEqualTo(b.id());
    }

    @Test
    void responsesArePairedByRequestIdNotPosition() {
        Coalesce coalesce = coalesce(loop, 3L, null);
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = FakeDownChain.echoAll(requests);
            java.util.Collections.reverse(responses);
            return responses;
        });
        Message a = command("GET", "a");
        Message b = command("GET", "b");
        Message c = command("GET", "c");

        CompletableFuture<List<Message>> first = coalesce.transform(down.state(batch(a, b))).toCompletableFuture();
        CompletableFuture<List<Message>> second = coalesce.transform(down.state(batch(c))).toCompletableFuture();

        assertThat(first.join()).extracting(r -> render(r)).containsExactly("bulk:echo:GET a", "bulk:echo:GET b");
        assertThat(second.join()).extracting(r -> render(r)).containsExactly("bulk:echo:GET c");
    }

    @Test
    void aDownChainThatEditsTheSentBatchInPlaceDoesNotUnpairTheResponses() {
        Coalesce coalesce = coalesce(loop, 2L, null);
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = FakeDownChain.echoAll(requests);
            // a transform further down may edit the batch it was given
            requests.clear();
            return responses;
        });
        Message a = command("GET", "a");
        Message b = command("GET", "b");

        CompletableFuture<List<Message>> first = coalesce.transform(down.state(batch(a))).toCompletableFuture();
        CompletableFuture<List<Message>> second = coalesce.transform(down.state(batch(b))).toCompletableFuture();

        assertThat(first.join()).extracting(Message::requestId).containsExactly(a.id());
        assertThat(second.join()).extracting(Message::requestId).containsExactly(b.id());
    }

    @Test
    void aFailedBatchFailsEveryRunWhoseRequestsItCarried() {
        Coalesce coalesce = coalesce(loop, 2L, null);
        PendingDownChain down = new PendingDownChain();
        RuntimeException failure = new RuntimeException("backend gone");

        CompletableFuture<List<Message>> first = coalesce.transform(run(down, batch(command("SET", "a", "1"))))
                .toCompletableFuture();
        CompletableFuture<List<Message>> second = coalesce.transform(run(down, batch(command("SET", "b", "1"))))
                .toCompletableFuture();
        down.stages.get(1).completeExceptionally(failure);

        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(failureOf(first)).isSameAs(failure);
        assertThat(failureOf(second)).isSameAs(failure);
    }

    @Test
    void aDownChainThatLosesAResponseFailsTheRun() {
        Coalesce coalesce = coalesce(loop, 1L, null);
        FakeDownChain down = new FakeDownChain(requests -> new ArrayList<>());

        CompletableFuture<List<Message>> stage = coalesce.transform(down.state(batch(command("GET", "a"))))
                .toCompletableFuture();

        assertThat(failureOf(stage)).hasMessageContaining("returned no response");
    }

    @Test
    void theRequestsStayOwnedByTheirRuns() {
        Coalesce coalesce = coalesce(loop, 2L, null);
        FakeDownChain down = FakeDownChain.echo();
        Message a = raw(resp("SET", "a", "1"));
        Message b = raw(resp("SET", "b", "2"));
        try {
            CompletableFuture<List<Message>> first = coalesce.transform(down.state(batch(a))).toCompletableFuture();
            coalesce.transform(down.state(batch(b))).toCompletableFuture().join();

            assertThat(first.join()).hasSize(1);
            // Coalesce neither releases nor retains: the runtime releases each request with its run
            assertThat(List.of(a, b)).allMatch(m -> m.rawBytes() != null && m.rawBytes().refCnt() == 1);
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void theTimerSendsTheBufferWithoutAnyFurtherRequest() throws Exception {
        Coalesce coalesce = loop.onLoop(() -> coalesce(loop, null, 100L));
        FakeDownChain down = FakeDownChain.echo();
        List<Message> forcedResponses = new ArrayList<>();
        loop.onForcedRun(() -> forcedResponses.addAll(
                coalesce.transform(down.state(new ArrayList<>())).toCompletableFuture().join()));
        Message a = command("SET", "a", "1");

        long start = System.nanoTime();
        CompletableFuture<List<Message>> stage = loop.onLoop(
                () -> coalesce.transform(down.state(batch(a))).toCompletableFuture());
        List<Message> responses = stage.get(5, TimeUnit.SECONDS);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(responses).extracting(r -> render(r)).containsExactly("bulk:echo:SET a 1");
        assertThat(waited).isBetween(Duration.ofMillis(95), Duration.ofMillis(2000));
        assertThat(loop.forcedRuns()).isEqualTo(1);
        loop.drain();
        assertThat(forcedResponses).isEmpty();
        assertThat(down.calls()).containsExactly(List.of(), List.of(a));
    }

    @Test
    void theIntervalRestartsWithTheFirstRequestAfterAFlush() throws Exception {
        Coalesce coalesce = loop.onLoop(() -> coalesce(loop, 2L, 150L));
        FakeDownChain down = FakeDownChain.echo();
        loop.onForcedRun(() -> coalesce.transform(down.state(new ArrayList<>())));

        // the count sends the first two at once and stops the interval they started
        loop.onLoop(() -> coalesce.transform(down.state(batch(command("GET", "a")))));
        List<Message> byCount = loop.onLoop(() -> coalesce.transform(down.state(batch(command("GET", "b")))))
                .toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertThat(byCount).hasSize(1);

        Thread.sleep(200);
        long start = System.nanoTime();
        CompletableFuture<List<Message>> late = loop.onLoop(
                () -> coalesce.transform(down.state(batch(command("GET", "c")))).toCompletableFuture());
        late.get(5, TimeUnit.SECONDS);
        // a full interval from this request, although more than an interval has passed since the last flush
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(145));
        assertThat(loop.forcedRuns()).isEqualTo(1);
    }

    @Test
    void aRunArrivingAfterTheIntervalSendsTheBufferItself() throws Exception {
        Coalesce coalesce = loop.onLoop(() -> coalesce(loop, null, 50L));
        FakeDownChain down = FakeDownChain.echo();
        // forced runs are lost here, as when another run gets there first
        loop.onForcedRun(() -> { });
        Message a = command("GET", "a");
        Message b = command("GET", "b");

        CompletableFuture<List<Message>> first = loop.onLoop(
                () -> coalesce.transform(down.state(batch(a))).toCompletableFuture());
        Thread.sleep(120);
        CompletableFuture<List<Message>> second = loop.onLoop(
                () -> coalesce.transform(down.state(batch(b))).toCompletableFuture());

        assertThat(first.get(1, TimeUnit.SECONDS)).extracting(Message::requestId).containsExactly(a.id());
        assertThat(second.get(1, TimeUnit.SECONDS)).extracting(Message::requestId).containsExactly(b.id());
        assertThat(down.calls()).containsExactly(List.of(), List.of(a, b));
    }

    @Test
    void closeCancelsTheTimerAndFailsRunsThatCanNoLongerBeSent() throws Exception {
        Coalesce coalesce = loop.onLoop(() -> coalesce(loop, null, 100L));
        FakeDownChain down = FakeDownChain.echo();

        CompletableFuture<List<Message>> stage = loop.onLoop(
                () -> coalesce.transform(down.state(batch(command("GET", "a")))).toCompletableFuture());
        loop.onLoop(() -> {
            coalesce.close();
            return null;
        });

        assertThat(failureOf(stage)).hasMessageContaining("the connection closed before Coalesce sent 1 buffered requests");
        Thread.sleep(200);
        assertThat(loop.forcedRuns()).isZero();
    }

    @Test
    void validationNeedsATriggerAndPositiveValues() {
        assertThat(new CoalesceConfig(null, null, null).problems()).containsExactly("""
                Coalesce:
                  Provide at least one of:
                  * flush_when_buffered_message_count (must be greater than 0)
                  * flush_when_millis_since_last_flush (must be greater than 0)

                  But none of them were provided: a Coalesce without either would never send anything.
                  See the Coalesce section of docs/transforms.md for more information.""");
        assertThat(new CoalesceConfig(null, 0L, 0L).problems()).containsExactly("""
                Coalesce:
                  flush_when_buffered_message_count must be greater than 0 when set, but was 0.
                  flush_when_millis_since_last_flush must be greater than 0 when set, but was 0.
                  See the Coalesce section of docs/transforms.md for more information.""");
        assertThat(new CoalesceConfig(null, 3_000_000_000L, -5L).problems()).singleElement().asString()
                .contains("flush_when_buffered_message_count must be at most 2147483647, but was 3000000000.")
                .contains("flush_when_millis_since_last_flush must be greater than 0 when set, but was -5.");
        assertThat(new CoalesceConfig(null, 2000L, null).problems()).isEmpty();
        assertThat(new CoalesceConfig(null, null, 10L).problems()).isEmpty();
        assertThat(new CoalesceConfig(null, null, null).builder(TestContexts.build("Coalesce", new TestMetrics()))
                .validate()).hasSize(1);
    }

    @Test
    void isNotTerminatingAndRegisteredAsCoalesce() {
        assertThat(new CoalesceConfig(null, 1L, null).downChainProtocol().isTerminating()).isFalse();
        assertThat(new CoalesceFactory().typeName()).isEqualTo("Coalesce");
        assertThat(new CoalesceFactory().configType()).isEqualTo(CoalesceConfig.class);
    }

    /** The failure of a completed stage, without the wrapper that dependent stages add. */
    private static Throwable failureOf(CompletableFuture<?> stage) {
        Throwable failure = stage.handle((ok, e) -> e).join();
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }
}
