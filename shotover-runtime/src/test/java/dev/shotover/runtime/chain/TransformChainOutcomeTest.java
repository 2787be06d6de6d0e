package dev.shotover.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.ProxyMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformChain#run(ChainState, java.util.function.BiConsumer)}, the runtime's per-batch entry point: it must
 * report exactly what {@code run(state).whenComplete(...)} would, and count and time the run the same way.
 */
class TransformChainOutcomeTest {

    /** Hands out the futures its sink returns, so the test decides when (and how) each run completes. */
    private static final List<CompletableFuture<List<Message>>> SINK_STAGES = new ArrayList<>();

    record Pass(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> state.callNextTransform();
        }
    }

    /** Answers every request with "ok" at once, or hands out a pending stage when {@code later}. */
    record Sink(String name, boolean later) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> {
                if (later) {
                    CompletableFuture<List<Message>> stage = new CompletableFuture<>();
                    SINK_STAGES.add(stage);
                    return stage;
                }
                List<Message> responses = new ArrayList<>();
                for (Message request : state.requests()) {
                    responses.add(Message.responseTo(request, new ValkeyFrame.SimpleString("ok")));
                }
                return CompletableFuture.completedFuture(responses);
            };
        }

        @Override
        public UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.VALKEY);
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }

    /** What the outcome callback saw. */
    private static final class Outcome {
        int calls;
        List<Message> responses;
        Throwable failure;

        void accept(List<Message> r, Throwable f) {
            calls++;
            responses = r;
            failure = f;
        }
    }

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ChainFactory factory = new ChainFactory(TransformRegistry.empty(), metrics);

    private TransformChain chain(TransformConfig... configs) {
        SINK_STAGES.clear();
        ChainFactory.Result result = factory.build("main", Protocol.VALKEY, List.of(configs));
        assertThat(result.errors()).isEmpty();
        return result.chain().instantiate(new NoContext(), "127.0.0.1");
    }

    private static ChainState runWith(TransformChain chain, Message... requests) {
        return chain.newRun(new ArrayList<>(List.of(requests)), null, false);
    }

    @Test
    void aSynchronousChainReportsBeforeRunReturns() {
        TransformChain chain = chain(new Pass("first"), new Sink("sink", false));
        Message request = Message.fromFrame(ValkeyFrame.command("GET", "k"));
        Outcome outcome = new Outcome();

        chain.run(runWith(chain, request), outcome::accept);

        assertThat(outcome.calls).isEqualTo(1);
        assertThat(outcome.failure).isNull();
        assertThat(outcome.responses).singleElement()
                .satisfies(r -> assertThat(r.requestId()).isEqualTo(request.id()));
        assertThat(metrics.scrape())
                .contains("shotover_chain_total_count{chain=\"main\"} 1")
                .contains("shotover_chain_latency_seconds_count{chain=\"main\",client_details=\"127.0.0.1\"} 1")
                .contains("shotover_chain_responses_batch_size_sum{chain=\"main\"} 1")
                .contains("shotover_transform_total_count{transform=\"Pass\"} 1")
                .contains("shotover_transform_latency_seconds_count{transform=\"Sink\"} 1");
    }

    @Test
    void anAsynchronousChainReportsWhenTheSinkAnswersAndRunsCanOverlap() {
        TransformChain chain = chain(new Pass("first"), new Sink("sink", true));
        Outcome first = new Outcome();
        Outcome second = new Outcome();
        Message a = Message.fromFrame(ValkeyFrame.command("GET", "a"));
        Message b = Message.fromFrame(ValkeyFrame.command("GET", "b"));

        chain.run(runWith(chain, a), first::accept);
        chain.run(runWith(chain, b), second::accept);
        assertThat(first.calls).isZero();
        assertThat(second.calls).isZero();

        Message answer = Message.responseTo(a, new ValkeyFrame.SimpleString("A"));
        SINK_STAGES.get(0).complete(List.of(answer));

        assertThat(first.calls).isEqualTo(1);
        assertThat(first.responses).containsExactly(answer);
        assertThat(second.calls).isZero();
        assertThat(metrics.scrape())
                .contains("shotover_chain_total_count{chain=\"main\"} 2")
                .contains("shotover_chain_latency_seconds_count{chain=\"main\",client_details=\"127.0.0.1\"} 1");
    }

    @Test
    void aFailureArrivesNamedByEveryTransformItPassedAndUnwrapped() {
        TransformChain chain = chain(new Pass("outer"), new Sink("sink", true));
        Outcome outcome = new Outcome();

        chain.run(runWith(chain), outcome::accept);
        SINK_STAGES.get(0).completeExceptionally(new IllegalStateException("backend exploded"));

        assertThat(outcome.calls).isEqualTo(1);
        assertThat(outcome.responses).isNull();
        assertThat(outcome.failure).isInstanceOf(TransformFailedException.class)
                .hasMessage("Transform Pass named outer failed in chain main");
        assertThat(outcome.failure.getCause()).hasMessage("Transform Sink named sink failed in chain main");
        assertThat(outcome.failure.getCause().getCause()).hasMessage("backend exploded");
        assertThat(metrics.scrape())
                .contains("shotover_chain_failures_count{chain=\"main\"} 1")
                .contains("shotover_transform_failures_count{transform=\"Pass\"} 1")
                .contains("shotover_transform_failures_count{transform=\"Sink\"} 1");
    }

    @Test
    void aTransformThatThrowsFailsTheRunThroughTheOutcome() {
        TransformConfig throwing = new TransformConfig() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public TransformBuilder builder(BuildContext context) {
                return ctx -> state -> {
                    throw new IllegalArgumentException("bad input");
                };
            }

            @Override
            public DownChainProtocol downChainProtocol() {
                return DownChainProtocol.terminating();
            }
        };
        TransformChain chain = chain(throwing);
        Outcome outcome = new Outcome();

        chain.run(runWith(chain), outcome::accept);

        assertThat(outcome.calls).isEqualTo(1);
        assertThat(outcome.failure).isInstanceOf(TransformFailedException.class);
        assertThat(outcome.failure.getCause()).hasMessage("bad input");
        assertThat(metrics.scrape()).contains("shotover_chain_failures_count{chain=\"main\"} 1");
    }

    @Test
    void aReusedRunStateStillGetsItsOutcomeReported() {
        TransformChain chain = chain(new Sink("sink", false));
        ChainState state = runWith(chain, Message.fromFrame(ValkeyFrame.command("GET", "k")));
        // the state's only transform already ran, so running it again calls past the end of the chain
        state.callNextTransform();
        Outcome outcome = new Outcome();

        chain.run(state, outcome::accept);

        assertThat(outcome.calls).isEqualTo(1);
        assertThat(outcome.failure).hasMessage("the last transform of chain main called down-chain");
    }
}
