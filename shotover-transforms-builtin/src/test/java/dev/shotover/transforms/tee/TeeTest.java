package dev.shotover.transforms.tee;

import static dev.shotover.transforms.tee.TeeMessages.renderAll;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.TransformContext;
import dev.shotover.transforms.testing.TestMetrics;
import dev.shotover.transforms.testing.ValkeyMessages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link Tee} driven without the runtime: a fake down-chain, fake sub-chains and a manual clock. */
class TeeTest {
    private final TeeMessages messages = new TeeMessages();
    private final TestMetrics metrics = new TestMetrics();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicReference<ResultSource> resultSource = new AtomicReference<>(ResultSource.REGULAR_CHAIN);
    private final List<Message> sentToClient = new ArrayList<>();
    private final List<Message> runRequests = new ArrayList<>();
    private FakeSubChain mismatchChain = FakeSubChain.answering(TeeTest::okAll);
    private ListAppender<ILoggingEvent> logged;

    @BeforeEach
    void captureLogs() {
        logged = new ListAppender<>();
        logged.start();
        Logger logger = (Logger) LoggerFactory.getLogger(Tee.class);
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logged);
    }

    @AfterEach
    void everyBufferIsReleased() {
        ((Logger) LoggerFactory.getLogger(Tee.class)).detachAppender(logged);
        // what the runtime does after a run: release its requests, write (and release) the responses
        TeeMessages.releaseAll(runRequests);
        TeeMessages.releaseAll(sentToClient);
        assertThat(messages.unreleased()).isEmpty();
    }

    private static List<Message> okAll(List<Message> requests) {
        List<Message> responses = new ArrayList<>();
        for (Message request : requests) {
            responses.add(Message.responseTo(request, TeeMessages.bulkFrame("OK")));
        }
        return responses;
    }

    private Function<List<Message>, List<Message>> answerAll(String text) {
        return requests -> {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                responses.add(messages.bulk(request, text));
            }
            return responses;
        };
    }

    private Tee tee(TeeBehavior behavior, Long timeoutMicros, int bufferSize, FakeSubChain teeChain) {
        TeeSettings settings = new TeeSettings("tee", behavior, timeoutMicros, bufferSize, resultSource,
                metrics.counter(TeeConfig.DROPPED_METRIC, "chain", "Tee"));
        return new Tee(settings, teeChain,
                behavior instanceof TeeBehavior.SubchainOnMismatch ? mismatchChain : null, context());
    }

    private long dropped() {
        return metrics.value(TeeConfig.DROPPED_METRIC, "chain", "Tee");
    }

    /** A run whose down-chain answers every request with {@code text} at once. */
    private ChainState run(String downAnswer, Message... requests) {
        return run(downAnswer, false, requests);
    }

    private ChainState run(String downAnswer, boolean flush, Message... requests) {
        runRequests.addAll(List.of(requests));
        Function<List<Message>, List<Message>> down = answerAll(downAnswer);
        return new ChainState("valkey", null, new ArrayList<>(List.of(requests)), flush,
                (index, state) -> CompletableFuture.completedFuture(down.apply(state.requests())));
    }

    /** The responses of a completed stage; they then count as sent to the client. */
    private List<Message> responses(CompletionStage<List<Message>> stage) {
        CompletableFuture<List<Message>> future = stage.toCompletableFuture();
        assertThat(future).as("the Tee's stage").isDone();
        List<Message> responses = future.join();
        sentToClient.addAll(responses);
        return responses;
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void ignoreAnswersFromTheDownChainWithoutWaitingForTheTeeChain() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.Ignore(), null, 5, teeChain);
        Message get = messages.request("GET", "k");

        List<Message> responses = responses(tee.transform(run("main", get)));

        assertThat(renderAll(responses)).containsExactly("bulk:main");
        assertThat(teeChain.runs()).hasSize(1);
        Message copy = teeChain.run(0).requests().get(0);
        assertThat(copy.id()).isNotEqualTo(get.id());
        assertThat(ValkeyMessages.render(copy)).isEqualTo(ValkeyMessages.render(get));
        // the tee chain answers later: its responses are released, not sent anywhere
        teeChain.run(0).answer(request -> messages.bulk(request, "tee"));
        assertThat(dropped()).isZero();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void batchesBeyondBufferSizeAreNotSentToTheTeeChainAndTheirMessagesAreCounted() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.Ignore(), null, 2, teeChain);

        responses(tee.transform(run("r", messages.request("SET", "a", "1"))));
        responses(tee.transform(run("r", messages.request("SET", "b", "1"))));
        List<Message> third = responses(tee.transform(run("r", messages.request("SET", "c", "1"),
                messages.request("SET", "d", "1"))));

        assertThat(renderAll(third)).containsExactly("bulk:r", "bulk:r");
        assertThat(teeChain.runs()).hasSize(2);
        assertThat(dropped()).isEqualTo(2);

        // once a batch completes there is room again
        teeChain.run(0).answer(request -> messages.bulk(request, "t"));
        responses(tee.transform(run("r", messages.request("SET", "e", "1"))));
        assertThat(teeChain.runs()).hasSize(3);
        assertThat(dropped()).isEqualTo(2);
        teeChain.run(1).answer(request -> messages.bulk(request, "t"));
        teeChain.run(2).answer(request -> messages.bulk(request, "t"));
    }

    @Test
    void emptyRunsAreNeverDroppedAndAFlushWaitsForTheTeeChain() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.Ignore(), null, 1, teeChain);
        responses(tee.transform(run("r", messages.request("SET", "a", "1"))));

        CompletionStage<List<Message>> flush = tee.transform(run("r", true));

        assertThat(teeChain.runs()).hasSize(2);
        assertThat(teeChain.run(1).requests()).isEmpty();
        assertThat(teeChain.run(1).flush()).isTrue();
        assertThat(flush.toCompletableFuture()).isNotDone();
        teeChain.run(1).future().complete(List.of());
        assertThat(responses(flush)).isEmpty();
        teeChain.run(0).answer(request -> messages.bulk(request, "t"));
    }

    @Test
    void aFlushAlsoReachesTheMismatchChainAndIsWaitedFor() {
        mismatchChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.SubchainOnMismatch(List.of()), null, 5,
                FakeSubChain.answering(requests -> List.of()));

        CompletionStage<List<Message>> flush = tee.transform(run("r", true));

        assertThat(mismatchChain.runs()).hasSize(1);
        assertThat(mismatchChain.run(0).requests()).isEmpty();
        assertThat(mismatchChain.run(0).flush()).isTrue();
        assertThat(flush.toCompletableFuture()).isNotDone();
        mismatchChain.run(0).future().complete(List.of());
        assertThat(responses(flush)).isEmpty();
    }

    @Test
    void failOnMismatchAnswersMismatchingRequestsWithShotoversError() {
        Tee tee = tee(new TeeBehavior.FailOnMismatch(), null, 5, FakeSubChain.answering(answerAll("41")));

        assertThat(renderAll(responses(tee.transform(run("41", messages.request("GET", "k"))))))
                .containsExactly("bulk:41");
        assertThat(renderAll(responses(tee.transform(run("42", messages.request("GET", "k"))))))
                .containsExactly("error:ERR The responses from the Tee subchain and down-chain did not match and "
                        + "behavior is set to fail on mismatch");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void logWarningOnMismatchLogsEachMismatchInShotoversFormatAndReturnsTheResultSource() {
        Tee tee = tee(new TeeBehavior.LogWarningOnMismatch(), null, 5, FakeSubChain.answering(answerAll("41")));

        List<Message> responses = responses(tee.transform(run("42", messages.request("GET", "a"),
                messages.request("GET", "b"))));

        assertThat(renderAll(responses)).containsExactly("bulk:42", "bulk:42");
        assertThat(warnings()).containsExactly(
                "Tee mismatch:\nresult-source response: BulkString[42]\nother response: BulkString[41]",
                "Tee mismatch:\nresult-source response: BulkString[42]\nother response: BulkString[41]");
    }

    @Test
    void subchainOnMismatchSendsCopiesOfOnlyTheMismatchingRequests() {
        // the tee chain agrees on GET a and disagrees on SET b
        FakeSubChain teeChain = FakeSubChain.answering(requests -> {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                boolean isSet = ValkeyMessages.render(request).contains("SET");
                responses.add(messages.bulk(request, isSet ? "other" : "same"));
            }
            return responses;
        });
        mismatchChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.SubchainOnMismatch(List.of()), null, 5, teeChain);
        Message get = messages.request("GET", "a");
        Message set = messages.request("SET", "b", "1");

        List<Message> responses = responses(tee.transform(run("same", get, set)));

        assertThat(renderAll(responses)).containsExactly("bulk:same", "bulk:same");
        assertThat(mismatchChain.runs()).hasSize(1);
        List<Message> sent = mismatchChain.run(0).requests();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).id()).isNotEqualTo(set.id());
        assertThat(sent.get(0).frame()).isEqualTo(set.frame());
        assertThat(warnings()).isEmpty();
        mismatchChain.run(0).future().complete(okAll(sent));

        responses(tee.transform(run("same", messages.request("GET", "c"))));
        assertThat(mismatchChain.runs()).as("a matching batch sends nothing").hasSize(1);
    }

    @Test
    void withTheTeeChainAsResultSourceTheClientGetsItsResponsesAndNothingIsDropped() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.Ignore(), null, 1, teeChain);
        resultSource.set(ResultSource.TEE_CHAIN);
        Message first = messages.request("GET", "a");
        Message second = messages.request("GET", "b");

        CompletionStage<List<Message>> one = tee.transform(run("main", first));
        CompletionStage<List<Message>> two = tee.transform(run("main", second));
        assertThat(teeChain.runs()).as("the result source is never dropped").hasSize(2);
        assertThat(one.toCompletableFuture()).isNotDone();
        teeChain.run(1).answer(request -> messages.bulk(request, "tee-b"));
        teeChain.run(0).answer(request -> messages.bulk(request, "tee-a"));

        List<Message> responses = responses(one);
        assertThat(renderAll(responses)).containsExactly("bulk:tee-a");
        assertThat(responses.get(0).requestId()).isEqualTo(first.id());
        assertThat(renderAll(responses(two))).containsExactly("bulk:tee-b");
        assertThat(dropped()).isZero();
    }

    @Test
    void aTimeoutCountsAsAMismatchAndLateResponsesAreReleased() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.LogWarningOnMismatch(), 100L, 5, teeChain);

        CompletionStage<List<Message>> stage = tee.transform(run("42", messages.request("GET", "a")));
        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(scheduler.tasks()).hasSize(1);
        assertThat(scheduler.tasks().get(0).getDelay(java.util.concurrent.TimeUnit.MICROSECONDS)).isEqualTo(100);
        scheduler.fireAll();

        assertThat(renderAll(responses(stage))).containsExactly("bulk:42");
        assertThat(warnings()).containsExactly("Tee mismatch:\nresult-source response: BulkString[42]\n"
                + "other response: no response: the tee chain did not answer within 100 microseconds");
        teeChain.run(0).answer(request -> messages.bulk(request, "late"));
    }

    @Test
    void anAnswerBeforeTheTimeoutCancelsTheTimer() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.FailOnMismatch(), 100L, 5, teeChain);

        CompletionStage<List<Message>> stage = tee.transform(run("42", messages.request("GET", "a")));
        teeChain.run(0).answer(request -> messages.bulk(request, "42"));

        assertThat(renderAll(responses(stage))).containsExactly("bulk:42");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aFailingTeeChainIsLoggedOnceUntilItAnswersAgain() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.Ignore(), null, 5, teeChain);

        for (int i = 0; i < 3; i++) {
            assertThat(renderAll(responses(tee.transform(run("main", messages.request("GET", "a"))))))
                    .containsExactly("bulk:main");
            teeChain.run(i).future().completeExceptionally(new IOException("Connection refused"));
        }
        assertThat(warnings()).containsExactly("Tee sub-chain \"tee\" failed; its responses are not compared or "
                + "returned while it fails. Further failures on this connection are logged at DEBUG until it "
                + "answers again: Connection refused");

        responses(tee.transform(run("main", messages.request("GET", "a"))));
        teeChain.run(3).answer(request -> messages.bulk(request, "ok"));
        responses(tee.transform(run("main", messages.request("GET", "a"))));
        teeChain.run(4).future().completeExceptionally(new IOException("Connection refused"));
        assertThat(warnings()).as("a new outage warns again").hasSize(2);
    }

    @Test
    void aFailingResultSourceFailsTheRunAndReleasesTheOtherResponses() {
        Tee tee = tee(new TeeBehavior.FailOnMismatch(), null, 5, FakeSubChain.answering(answerAll("42")));
        Message get = messages.request("GET", "a");
        runRequests.add(get);
        ChainState failingDown = new ChainState("valkey", null, new ArrayList<>(List.of(get)), false,
                (index, state) -> CompletableFuture.failedFuture(new IOException("backend gone")));

        CompletableFuture<List<Message>> stage = tee.transform(failingDown).toCompletableFuture();

        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((r, failure) -> Tee.describe(failure)).join()).isEqualTo("backend gone");
    }

    @Test
    void closeClosesTheSubChainsAndPendingRunsEndQuietly() {
        FakeSubChain teeChain = FakeSubChain.manual();
        Tee tee = tee(new TeeBehavior.SubchainOnMismatch(List.of()), null, 5, teeChain);
        CompletionStage<List<Message>> stage = tee.transform(run("a", messages.request("GET", "a")));

        tee.close();

        assertThat(teeChain.closed()).isTrue();
        assertThat(mismatchChain.closed()).isTrue();
        // the pending tee run failed on close: counted as a mismatch, but no outage warning for a closing connection
        assertThat(renderAll(responses(stage))).containsExactly("bulk:a");
        assertThat(warnings()).isEmpty();
    }

    private TransformContext context() {
        return new TransformContext() {
            @Override
            public String chainName() {
                return "valkey";
            }

            @Override
            public SocketAddress clientAddress() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }

            @Override
            public ScheduledExecutorService eventLoop() {
                return scheduler;
            }

            @Override
            public ByteBufAllocator allocator() {
                return UnpooledByteBufAllocator.DEFAULT;
            }

            @Override
            public void forceRunChain() {
            }
        };
    }
}
