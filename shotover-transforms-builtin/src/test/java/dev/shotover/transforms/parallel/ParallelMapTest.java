package dev.shotover.transforms.parallel;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.coalesce.EventLoopContext;
import dev.shotover.transforms.nullsink.NullSinkConfig;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestMetrics;
import dev.shotover.transforms.testing.TinyRespParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelMapTest {
    private static final ChainState.DownChain NO_DOWN_CHAIN = (index, state) -> {
        throw new AssertionError("a terminating transform must not call down-chain");
    };

    private final EventLoopContext loop = new EventLoopContext();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    private ParallelMap parallelMap(FakeSubChains subChains, int parallelism, boolean ordered) {
        return new ParallelMap("pm", "test-chain", subChains, loop, parallelism, ordered);
    }

    private static CompletableFuture<List<Message>> run(ParallelMap map, List<Message> requests) {
        return map.transform(new ChainState("test-chain", null, requests, false, NO_DOWN_CHAIN)).toCompletableFuture();
    }

    /** A build context whose sub-chains are {@code subChains}; records the names sub-chains were asked for. */
    private static BuildContext buildContext(Protocol protocol, SubChainFactory subChains, List<String> asked) {
        return new BuildContext() {
            @Override
            public String chainName() {
                return "main";
            }

            @Override
            public Protocol upChainProtocol() {
                return protocol;
            }

            @Override
            public Metrics metrics() {
                return new TestMetrics();
            }

            @Override
            public String transformName() {
                return "pm";
            }

            @Override
            public String transformTypeName() {
                return "ParallelMap";
            }

            @Override
            public SubChainFactory subChain(String name, List<TransformConfig> chain) {
                asked.add(name);
                return subChains;
            }
        };
    }

    /** Instances whose runs the test completes itself, keyed by instance number. */
    private static final class Pending {
        final Map<Integer, List<CompletableFuture<List<Message>>>> stages = new HashMap<>();
        final Map<Integer, List<List<Message>>> requests = new HashMap<>();

        FakeSubChains subChains() {
            return new FakeSubChains((instance, batch) -> {
                CompletableFuture<List<Message>> stage = new CompletableFuture<>();
                stages.computeIfAbsent(instance, k -> new ArrayList<>()).add(stage);
                requests.computeIfAbsent(instance, k -> new ArrayList<>()).add(batch);
                return stage;
            });
        }

        void echo(int instance) {
            stages.get(instance).get(0).complete(FakeDownChain.echoAll(requests.get(instance).get(0)));
        }
    }

    @Test
    void requestsAreSpreadRoundRobinAsInShotoversExample() {
        FakeSubChains subChains = FakeSubChains.echo();
        ParallelMap map = parallelMap(subChains, 3, true);
        Message m1 = command("GET", "1");
        Message m2 = command("GET", "2");
        Message m3 = command("GET", "3");
        Message m4 = command("GET", "4");

        List<Message> responses = run(map, batch(m1, m2, m3, m4)).join();

        assertThat(subChains.built).hasSize(3);
        assertThat(subChains.built.get(0).runs).containsExactly(List.of(m1, m4));
        assertThat(subChains.built.get(1).runs).containsExactly(List.of(m2));
        assertThat(subChains.built.get(2).runs).containsExactly(List.of(m3));
        assertThat(responses).extracting(Message::requestId).containsExactly(m1.id(), m2.id(), m3.id(), m4.id());
        assertThat(responses).extracting(r -> render(r))
                .containsExactly("bulk:echo:GET 1", "bulk:echo:GET 2", "bulk:echo:GET 3", "bulk:echo:GET 4");
    }

    @Test
    void theRotationContinuesAcrossBatches() {
        FakeSubChains subChains = FakeSubChains.echo();
        ParallelMap map = parallelMap(subChains, 2, true);
        Message a = command("GET", "a");
        Message b = command("GET", "b");
        Message c = command("GET", "c");

        run(map, batch(a)).join();
        run(map, batch(b)).join();
        run(map, batch(c)).join();

        assertThat(subChains.built.get(0).runs).containsExactly(List.of(a), List.of(c));
        assertThat(subChains.built.get(1).runs).containsExactly(List.of(b));
    }

    @Test
    void orderedResultsAreInRequestOrderWhateverOrderTheInstancesFinishIn() {
        Pending pending = new Pending();
        ParallelMap map = parallelMap(pending.subChains(), 3, true);
        List<Message> requests = batch(command("GET", "a"), command("GET", "b"), command("GET", "c"),
                command("GET", "d"));
        List<Message> original = List.copyOf(requests);

        CompletableFuture<List<Message>> stage = run(map, requests);
        pending.echo(2);
        pending.echo(1);
        assertThat(stage).isNotDone();
        pending.echo(0);

        assertThat(stage.join()).extracting(Message::requestId)
                .containsExactly(original.stream().map(Message::id).toArray(dev.shotover.api.MessageId[]::new));
    }

    @Test
    void unorderedResultsFollowTheOrderTheInstancesFinishIn() {
        Pending pending = new Pending();
        ParallelMap map = parallelMap(pending.subChains(), 3, false);
        Message a = command("GET", "a");
        Message b = command("GET", "b");
        Message c = command("GET", "c");
        Message d = command("GET", "d");

        CompletableFuture<List<Message>> stage = run(map, batch(a, b, c, d));
        pending.echo(2);
        pending.echo(0);
        pending.echo(1);

        assertThat(stage.join()).extracting(Message::requestId).containsExactly(c.id(), a.id(), d.id(), b.id());
    }

    @Test
    void inOrderProtocolsAlwaysGetOrderedResultsAndTheSubChainIsValidatedOnce() {
        FakeSubChains subChains = FakeSubChains.echo();
        List<String> asked = new ArrayList<>();
        List<TransformConfig> chain = List.of(new NullSinkConfig(null));

        ParallelMapBuilder valkey = (ParallelMapBuilder) new ParallelMapConfig("pm", 4, false, chain)
                .builder(buildContext(Protocol.VALKEY, subChains, asked));
        ParallelMapBuilder cassandra = (ParallelMapBuilder) new ParallelMapConfig("pm", 4, false, chain)
                .builder(buildContext(Protocol.CASSANDRA, subChains, asked));
        ParallelMapBuilder defaulted = (ParallelMapBuilder) new ParallelMapConfig("pm", 4, null, chain)
                .builder(buildContext(Protocol.CASSANDRA, subChains, asked));

        assertThat(valkey.ordered()).isTrue();
        assertThat(cassandra.ordered()).isFalse();
        assertThat(defaulted.ordered()).isTrue();
        // one sub-chain per ParallelMap, named after it, whatever the parallelism
        assertThat(asked).containsExactly("pm", "pm", "pm");
        assertThat(valkey.validate()).isEmpty();
    }

    @Test
    void aFailingInstanceAnswersOnlyItsOwnRequestsWithTheErrorAndIsReplaced() {
        RuntimeException failure = new RuntimeException("Transform Boom named boom failed in chain pm",
                new IllegalStateException("refused"));
        FakeSubChains subChains = new FakeSubChains((instance, requests) -> instance == 1
                ? CompletableFuture.failedFuture(failure)
                : CompletableFuture.completedFuture(FakeDownChain.echoAll(requests)));
        ParallelMap map = parallelMap(subChains, 3, true);
        Message a = command("GET", "a");
        Message b = command("GET", "b");
        Message c = command("GET", "c");
        Message d = command("GET", "d");

        List<Message> responses = run(map, batch(a, b, c, d)).join();

        assertThat(responses).extracting(Message::requestId).containsExactly(a.id(), b.id(), c.id(), d.id());
        assertThat(responses).extracting(r -> render(r)).containsExactly("bulk:echo:GET a",
                "error:ERR ParallelMap named pm in chain test-chain could not process this request: its sub-chain "
                        + "instance pm[1] failed.  Caused by:     0: Transform Boom named boom failed in chain pm"
                        + "     1: refused",
                "bulk:echo:GET c", "bulk:echo:GET d");
        // a fresh instance took slot 1; the failed one is closed once its runs are over
        assertThat(subChains.built).hasSize(4);
        loop.drain();
        assertThat(subChains.built.get(1).closed).isTrue();
        assertThat(subChains.built.get(3).closed).isFalse();

        Message e = command("GET", "e");
        Message f = command("GET", "f");
        List<Message> later = run(map, batch(e, f)).join();
        // 4 requests so far, so the rotation is at slot 1, now instance 3
        assertThat(subChains.built.get(3).runs).containsExactly(List.of(e));
        assertThat(later).extracting(r -> render(r)).containsExactly("bulk:echo:GET e", "bulk:echo:GET f");
    }

    @Test
    void aFailedInstanceIsClosedOnlyAfterItsOtherRunsFinish() {
        Pending pending = new Pending();
        FakeSubChains subChains = pending.subChains();
        ParallelMap map = parallelMap(subChains, 1, true);

        CompletableFuture<List<Message>> first = run(map, batch(command("GET", "a")));
        CompletableFuture<List<Message>> second = run(map, batch(command("GET", "b")));
        pending.stages.get(0).get(0).completeExceptionally(new RuntimeException("boom"));
        loop.drain();

        assertThat(render(first.join().get(0))).startsWith("error:ERR ParallelMap named pm").endsWith("0: boom");
        assertThat(subChains.built).hasSize(2);
        assertThat(subChains.built.get(0).closed).isFalse();

        pending.stages.get(0).get(1).complete(FakeDownChain.echoAll(pending.requests.get(0).get(1)));
        loop.drain();
        assertThat(second.join()).extracting(r -> render(r)).containsExactly("bulk:echo:GET b");
        assertThat(subChains.built.get(0).closed).isTrue();
    }

    @Test
    void anEmptyBatchReachesEveryInstanceAndBringsBackWhatTheyHaveQueued() {
        Message push = Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))));
        FakeSubChains subChains = new FakeSubChains((instance, requests) -> CompletableFuture.completedFuture(
                instance == 2 ? new ArrayList<>(List.of(push)) : new ArrayList<>()));
        ParallelMap map = parallelMap(subChains, 3, true);

        List<Message> responses = run(map, batch()).join();

        assertThat(subChains.built).allSatisfy(instance -> assertThat(instance.runs).containsExactly(List.of()));
        assertThat(responses).containsExactly(push);
    }

    @Test
    void unsolicitedResponsesComeFirst() {
        Message push = Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))));
        FakeSubChains subChains = new FakeSubChains((instance, requests) -> {
            List<Message> responses = FakeDownChain.echoAll(requests);
            if (instance == 1) {
                responses.add(push);
            }
            return CompletableFuture.completedFuture(responses);
        });
        ParallelMap map = parallelMap(subChains, 2, true);
        Message a = command("GET", "a");
        Message b = command("GET", "b");

        List<Message> responses = run(map, batch(a, b)).join();

        assertThat(responses).hasSize(3);
        assertThat(responses.get(0)).isSameAs(push);
        assertThat(responses.subList(1, 3)).extracting(Message::requestId).containsExactly(a.id(), b.id());
    }

    @Test
    void aSubChainThatLosesAResponseStillLeavesTheClientAnAnswer() {
        FakeSubChains subChains = new FakeSubChains((instance, requests) ->
                CompletableFuture.completedFuture(instance == 0 ? new ArrayList<>() : FakeDownChain.echoAll(requests)));
        ParallelMap map = parallelMap(subChains, 2, true);

        List<Message> responses = run(map, batch(command("GET", "a"), command("GET", "b"))).join();

        assertThat(responses).extracting(r -> render(r)).containsExactly(
                "error:ERR ParallelMap named pm in chain test-chain: its sub-chain returned no response to this request",
                "bulk:echo:GET b");
    }

    /** A frame of a protocol that has no protocol-native error responses yet. */
    private record CqlLikeFrame() implements Frame {
        @Override
        public Protocol protocol() {
            return Protocol.CASSANDRA;
        }

        @Override
        public QueryType queryType() {
            return QueryType.READ;
        }
    }

    @Test
    void whenNoErrorResponseCanBeBuiltAFailureFailsTheStageAndReleasesTheOtherResponses() {
        List<ByteBuf> responseBytes = new ArrayList<>();
        FakeSubChains subChains = new FakeSubChains((instance, requests) -> {
            if (instance == 1) {
                return CompletableFuture.failedFuture(new RuntimeException("boom"));
            }
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                ByteBuf bytes = Unpooled.copiedBuffer("+OK\r\n", StandardCharsets.UTF_8);
                responseBytes.add(bytes);
                Message response = Message.fromRaw(Protocol.CASSANDRA, bytes, TinyRespParser.INSTANCE, 0L);
                response.setRequestId(request.id());
                responses.add(response);
            }
            return CompletableFuture.completedFuture(responses);
        });
        ParallelMap map = parallelMap(subChains, 2, false);

        CompletableFuture<List<Message>> stage = run(map,
                batch(Message.fromFrame(new CqlLikeFrame()), Message.fromFrame(new CqlLikeFrame())));

        Throwable failure = stage.handle((ok, e) -> e).join();
        assertThat(failure instanceof CompletionException ? failure.getCause() : failure).hasMessage("boom");
        assertThat(responseBytes).hasSize(1).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void closeClosesEveryInstanceAndTheBuilderClosesTheFactory() {
        FakeSubChains subChains = FakeSubChains.echo();
        ParallelMap map = parallelMap(subChains, 3, true);

        map.close();

        assertThat(subChains.built).hasSize(3).allMatch(instance -> instance.closed);
        ParallelMapBuilder builder = new ParallelMapBuilder("pm", "main", subChains, 3, true, List.of());
        builder.close();
        assertThat(subChains.factoryClosed).isTrue();
    }

    @Test
    void validationRejectsAParallelismBelowOne() {
        List<String> asked = new ArrayList<>();
        FakeSubChains subChains = FakeSubChains.echo();
        List<TransformConfig> chain = List.of(new NullSinkConfig(null));

        assertThat(new ParallelMapConfig("pm", 0, true, chain).builder(buildContext(Protocol.VALKEY, subChains, asked))
                .validate()).containsExactly("ParallelMap parallelism must be at least 1 but was 0");
        // the sub-chain is still validated, so all problems are reported together
        assertThat(asked).containsExactly("pm");
        assertThat(new ParallelMapConfig("pm", 1, true, chain).problems()).isEmpty();
    }

    @Test
    void isTerminatingAndRegisteredAsParallelMap() {
        assertThat(new ParallelMapConfig(null, 1, true, List.of()).downChainProtocol().isTerminating()).isTrue();
        assertThat(new ParallelMapFactory().typeName()).isEqualTo("ParallelMap");
        assertThat(new ParallelMapFactory().configType()).isEqualTo(ParallelMapConfig.class);
    }
}
