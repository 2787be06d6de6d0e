package dev.shotover.transforms.scatter;

import static dev.shotover.transforms.scatter.Replies.rawBulk;
import static dev.shotover.transforms.scatter.Replies.rawError;
import static dev.shotover.transforms.scatter.Replies.stamped;
import static dev.shotover.transforms.scatter.Replies.text;
import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsistentScatter} with fake routes: every request reaches every route, answers come after the needed
 * successes in request order, slow routes' late responses are released, failures give the counted error, failed
 * routes are rebuilt, empty runs and flushes reach the routes.
 */
class ConsistentScatterTest {
    private static final ChainState.DownChain NO_DOWN_CHAIN = (index, state) -> {
        throw new AssertionError("a terminating transform must not call down-chain");
    };

    private final QueuedLoop loop = new QueuedLoop();
    private final List<Message> toRelease = new ArrayList<>();

    @AfterEach
    void releaseLeftovers() {
        toRelease.forEach(Message::release);
    }

    /** A route answering each request with {@code answer(route, request)}, at once. */
    private static FakeRoutes route(String name, BiFunction<String, Message, Message> answer) {
        return new FakeRoutes(name, requests -> {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                responses.add(answer.apply(name, request));
            }
            return CompletableFuture.completedFuture(responses);
        });
    }

    private static FakeRoutes echoing(String name) {
        return route(name, (route, request) -> rawBulk(request, route));
    }

    private static FakeRoutes failing(String name, String reason) {
        return new FakeRoutes(name, requests -> CompletableFuture.failedFuture(new IllegalStateException(reason)));
    }

    /** A route whose runs complete when the test completes the futures in {@link Pending#runs}. */
    private static final class Pending implements Function<List<Message>, CompletionStage<List<Message>>> {
        final List<CompletableFuture<List<Message>>> runs = new ArrayList<>();
        final List<List<Message>> requests = new ArrayList<>();

        @Override
        public CompletionStage<List<Message>> apply(List<Message> batch) {
            CompletableFuture<List<Message>> run = new CompletableFuture<>();
            runs.add(run);
            requests.add(batch);
            return run;
        }
    }

    private ConsistentScatter scatter(int write, int read, FakeRoutes... routes) {
        List<String> names = new ArrayList<>();
        for (FakeRoutes route : routes) {
            names.add(route.name());
        }
        return new ConsistentScatter(new ScatterSettings("cs", "test-chain", write, read, names),
                List.<SubChainFactory>of(routes), loop);
    }

    private static CompletableFuture<List<Message>> run(ConsistentScatter scatter, List<Message> requests,
                                                        boolean flush) {
        return scatter.transform(new ChainState("test-chain", null, requests, flush, NO_DOWN_CHAIN))
                .toCompletableFuture();
    }

    private static CompletableFuture<List<Message>> run(ConsistentScatter scatter, List<Message> requests) {
        return run(scatter, requests, false);
    }

    private List<Message> keep(List<Message> responses) {
        toRelease.addAll(responses);
        return responses;
    }

    @Test
    void everyRouteGetsItsOwnCopyOfEveryRequestAndAnswersComeInRequestOrder() {
        FakeRoutes a = echoing("a");
        FakeRoutes b = echoing("b");
        FakeRoutes c = echoing("c");
        Message set = raw(resp("SET", "k", "v"));
        Message get = raw(resp("GET", "k"));
        toRelease.addAll(List.of(set, get));

        List<Message> responses = keep(run(scatter(2, 2, a, b, c), batch(set, get)).join());

        assertThat(responses).extracting(Message::requestId).containsExactly(set.id(), get.id());
        for (FakeRoutes route : List.of(a, b, c)) {
            assertThat(route.runs()).hasSize(1);
            List<Message> copies = route.runs().get(0);
            assertThat(copies).extracting(Message::id).doesNotContain(set.id(), get.id());
            // the route run owned its copies and released them; the originals are still the chain run's
            assertThat(copies).allMatch(copy -> copy.rawBytes() == null);
        }
        assertThat(set.rawBytes().refCnt()).isEqualTo(1);
        // all three answered the same size at once: the first to arrive wins
        assertThat(responses).extracting(Replies::text).containsExactly("a", "a");
    }

    @Test
    void aWriteIsAnsweredAfterWriteConsistencyWhileTheSlowRouteKeepsRunningAndItsResponseIsReleased() {
        Pending slow = new Pending();
        FakeRoutes c = new FakeRoutes("c", slow);
        Message set = command("SET", "k", "v");

        List<Message> responses = keep(run(scatter(2, 3, echoing("a"), echoing("b"), c), batch(set)).join());

        assertThat(responses).extracting(Replies::text).containsExactly("a");
        // the slow route got the write, and is still running
        assertThat(slow.requests).hasSize(1);
        assertThat(slow.runs.get(0)).isNotDone();
        Message late = rawBulk(slow.requests.get(0).get(0), "c");
        var lateBytes = late.rawBytes();
        slow.runs.get(0).complete(new ArrayList<>(List.of(late)));
        assertThat(lateBytes.refCnt()).isZero();
    }

    @Test
    void readsWaitForReadConsistencyAndWritesForWriteConsistency() {
        Pending slowB = new Pending();
        Pending slowC = new Pending();
        FakeRoutes a = echoing("a");
        FakeRoutes b = new FakeRoutes("b", slowB);
        FakeRoutes c = new FakeRoutes("c", slowC);
        ConsistentScatter scatter = scatter(3, 1, a, b, c);

        List<Message> read = keep(run(scatter, batch(command("GET", "k"))).join());
        assertThat(read).extracting(Replies::text).containsExactly("a");

        CompletableFuture<List<Message>> write = run(scatter, batch(command("SET", "k", "v")));
        assertThat(write).isNotDone();
        slowB.runs.get(1).complete(new ArrayList<>(List.of(rawBulk(slowB.requests.get(1).get(0), "b"))));
        assertThat(write).isNotDone();
        slowC.runs.get(1).complete(new ArrayList<>(List.of(rawBulk(slowC.requests.get(1).get(0), "c"))));
        assertThat(keep(write.join())).hasSize(1);

        // the read's slow answers arrive late and are released
        Message lateB = rawBulk(slowB.requests.get(0).get(0), "b");
        var lateBytes = lateB.rawBytes();
        slowB.runs.get(0).complete(new ArrayList<>(List.of(lateB)));
        assertThat(lateBytes.refCnt()).isZero();
        slowC.runs.get(0).completeExceptionally(new IllegalStateException("late failure is ignored"));
    }

    @Test
    void theNewestTimestampWinsAndIsStrippedBeforeTheClient() {
        FakeRoutes a = route("a", (route, request) -> stamped(request, "old", 100));
        FakeRoutes b = route("b", (route, request) -> stamped(request, "new", 300));
        FakeRoutes c = route("c", (route, request) -> stamped(request, "older", 50));

        List<Message> responses = keep(run(scatter(3, 3, a, b, c), batch(command("GET", "k"))).join());

        assertThat(responses.get(0).frame()).isEqualTo(ValkeyFrame.bulk("new"));
    }

    @Test
    void withoutTimestampsTheLargestResponseWins() {
        FakeRoutes a = route("a", (route, request) -> rawBulk(request, "v"));
        FakeRoutes b = route("b", (route, request) -> rawBulk(request, "value"));

        List<Message> responses = keep(run(scatter(2, 2, a, b), batch(command("GET", "k"))).join());

        assertThat(responses).extracting(Replies::text).containsExactly("value");
    }

    @Test
    void tooFewSuccessesGiveAnErrorCountingThemAndNamingTheOtherRoutes() {
        FakeRoutes a = echoing("a");
        FakeRoutes b = failing("b", "Failed to connect to destination 127.0.0.1:1111");
        FakeRoutes c = route("c", (route, request) -> rawError(request, "OOM command not allowed"));
        Message set = command("SET", "k", "v");
        Message get = command("GET", "k");

        List<Message> responses = keep(run(scatter(2, 1, a, b, c), batch(set, get)).join());

        assertThat(responses).extracting(Message::requestId).containsExactly(set.id(), get.id());
        assertThat(text(responses.get(0))).isEqualTo("-ERR ConsistentScatter named \"cs\" in chain test-chain: not "
                + "enough successful responses for this write: 1 of the 2 required (3 routes). b failed: Failed to "
                + "connect to destination 127.0.0.1:1111; c answered with an error: OOM command not allowed");
        // the read needs one success only
        assertThat(text(responses.get(1))).isEqualTo("a");
    }

    @Test
    void errorRepliesEnoughRoutesAgreeOnReachTheClientVerbatim() {
        FakeRoutes a = route("a", (route, request) -> rawError(request, "WRONGTYPE wrong kind of value"));
        FakeRoutes b = route("b", (route, request) -> rawError(request, "WRONGTYPE wrong kind of value"));
        FakeRoutes c = echoing("c");

        List<Message> responses = keep(run(scatter(2, 2, a, b, c), batch(command("GET", "k"))).join());

        assertThat(text(responses.get(0))).isEqualTo("-WRONGTYPE wrong kind of value");
    }

    @Test
    void aRouteThatReturnsNoResponseForARequestDoesNotCountForIt() {
        // route b answers only the first request of the batch, plus a push nobody asked for
        FakeRoutes b = new FakeRoutes("b", requests -> CompletableFuture.completedFuture(new ArrayList<>(List.of(
                rawBulk(requests.get(0), "b"), Message.fromFrame(new ValkeyFrame.Push(List.of(
                        ValkeyFrame.bulk("message"))))))));
        Message first = command("GET", "k1");
        Message second = command("GET", "k2");

        List<Message> responses = keep(run(scatter(2, 2, echoing("a"), b), batch(first, second)).join());

        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("a");
        assertThat(text(responses.get(1))).contains("1 of the 2 required",
                "b failed: it returned no response to this request");
    }

    @Test
    void aFailedRouteInstanceIsClosedAndRebuiltForTheNextBatch() {
        FakeRoutes b = failing("b", "backend went away");
        ConsistentScatter scatter = scatter(1, 2, echoing("a"), b);

        keep(run(scatter, batch(command("SET", "k", "v"))).join());
        assertThat(b.built).hasSize(1);
        assertThat(b.built.get(0).closed).isFalse();
        // closed from the event loop, outside the failing run's own completion
        assertThat(loop.runQueued()).isEqualTo(1);
        assertThat(b.built.get(0).closed).isTrue();

        b.answerWith(requests -> CompletableFuture.completedFuture(new ArrayList<>(List.of(
                rawBulk(requests.get(0), "b is back")))));
        List<Message> responses = keep(run(scatter, batch(command("GET", "k"))).join());
        assertThat(b.built).hasSize(2);
        assertThat(b.built.get(1).runs).hasSize(1);
        // the read needs both routes: b succeeds again, and its larger answer wins
        assertThat(responses).extracting(Replies::text).containsExactly("b is back");
    }

    @Test
    void emptyRunsReachRoutesWithAnInstanceAndAFlushWaitsForAllOfThem() {
        Pending slow = new Pending();
        FakeRoutes a = echoing("a");
        FakeRoutes b = new FakeRoutes("b", slow);
        ConsistentScatter scatter = scatter(1, 1, a, b);

        // nothing was sent yet: a forced run has nowhere to go
        assertThat(run(scatter, batch()).join()).isEmpty();
        assertThat(a.built).isEmpty();

        keep(run(scatter, batch(command("SET", "k", "v"))).join());
        slow.runs.get(0).complete(new ArrayList<>(List.of(rawBulk(slow.requests.get(0).get(0), "b"))));

        // a forced run does not wait; a push it brings back is released
        Message push = rawBulk(command("PING"), "push");
        push.setRequestId(null);
        var pushBytes = push.rawBytes();
        a.answerWith(requests -> CompletableFuture.completedFuture(new ArrayList<>(List.of(push))));
        assertThat(run(scatter, batch()).join()).isEmpty();
        assertThat(pushBytes.refCnt()).isZero();
        slow.runs.get(1).complete(new ArrayList<>());

        a.answerWith(requests -> CompletableFuture.completedFuture(new ArrayList<>()));
        CompletableFuture<List<Message>> flush = run(scatter, batch(), true);
        assertThat(flush).isNotDone();
        assertThat(b.built.get(0).flushes).containsExactly(false, false, true);
        slow.runs.get(2).complete(new ArrayList<>());
        assertThat(flush.join()).isEmpty();
    }

    @Test
    void closeClosesEveryRouteInstance() {
        FakeRoutes a = echoing("a");
        FakeRoutes b = echoing("b");
        ConsistentScatter scatter = scatter(1, 1, a, b);
        keep(run(scatter, batch(command("GET", "k"))).join());

        scatter.close();

        assertThat(a.built).singleElement().matches(instance -> instance.closed);
        assertThat(b.built).singleElement().matches(instance -> instance.closed);
    }
}
