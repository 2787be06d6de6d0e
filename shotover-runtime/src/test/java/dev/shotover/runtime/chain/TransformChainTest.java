package dev.shotover.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.ProxyMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The chain runner: calls transforms in order, counts and times them, and names failures like Shotover. */
class TransformChainTest {

    /** A pass-through transform. */
    record Pass(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> state.callNextTransform();
        }
    }

    /** A sink answering every request with "ok", or failing when told to. */
    record Answer(String name, boolean fail) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> {
                if (fail) {
                    return CompletableFuture.failedFuture(new IllegalStateException("backend exploded"));
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

    /** A transform that runs every batch through its sub-chain (and ignores its own down-chain). */
    record Holder(String name, List<TransformConfig> chain) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            dev.shotover.api.SubChainFactory sub = context.subChain(name + "-inner", chain);
            return new TransformBuilder() {
                @Override
                public Transform build(TransformContext ctx) {
                    dev.shotover.api.SubChain instance = sub.build(ctx);
                    return state -> instance.process(state, state.requests());
                }

                @Override
                public void close() {
                    sub.close();
                }
            };
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ChainFactory factory = new ChainFactory(TransformRegistry.empty(), metrics);

    private TransformChain chain(TransformConfig... configs) {
        ChainFactory.Result result = factory.build("main", Protocol.VALKEY, List.of(configs));
        assertThat(result.errors()).isEmpty();
        return result.chain().instantiate(new NoContext(), "127.0.0.1");
    }

    @Test
    void runsTransformsInOrderAndCountsEveryCall() {
        TransformChain chain = chain(new Pass("first"), new Pass("second"), new Answer("sink", false));
        Message request = Message.fromFrame(ValkeyFrame.command("GET", "k"));
        List<Message> responses = chain.run(chain.newRun(new ArrayList<>(List.of(request)), null, false))
                .toCompletableFuture().join();

        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(request.id());
            assertThat(r.frame()).isEqualTo(new ValkeyFrame.SimpleString("ok"));
        });
        String scrape = metrics.scrape();
        assertThat(scrape).contains("shotover_chain_total_count{chain=\"main\"} 1")
                .contains("shotover_transform_total_count{transform=\"Pass\"} 2")
                .contains("shotover_transform_total_count{transform=\"Answer\"} 1")
                .contains("shotover_chain_failures_count{chain=\"main\"} 0")
                .contains("shotover_chain_latency_seconds_count{chain=\"main\",client_details=\"127.0.0.1\"} 1");
    }

    @Test
    void aFailureIsWrappedOncePerTransformItPassesThrough() {
        TransformChain chain = chain(new Pass("outer"), new Answer("sink", true));
        CompletionStage<List<Message>> stage = chain.run(chain.newRun(new ArrayList<>(), null, false));
        Throwable failure = TransformChain.unwrap(
                org.assertj.core.api.Assertions.catchThrowableOfType(CompletionException.class,
                        () -> stage.toCompletableFuture().join()));

        assertThat(failure).hasMessage("Transform Pass named outer failed in chain main");
        assertThat(failure.getCause()).hasMessage("Transform Answer named sink failed in chain main");
        assertThat(failure.getCause().getCause()).hasMessage("backend exploded");
        assertThat(metrics.scrape()).contains("shotover_transform_failures_count{transform=\"Answer\"} 1")
                .contains("shotover_chain_failures_count{chain=\"main\"} 1");
    }

    @Test
    void validationCollectsEveryProblemOfAChain() {
        ChainFactory.Result result = factory.build("main", Protocol.CASSANDRA,
                List.of(new Answer("early", false), new Pass("late")));
        assertThat(result.chain()).isNull();
        assertThat(result.errors()).containsExactly(
                "main chain:",
                "  Transform Answer requires upchain protocol to be one of [Valkey] but was Cassandra",
                "  Terminating Transform Answer named \"early\" is not last in chain. Terminating Transform must be last in chain.",
                "  Non-terminating Transform Pass named \"late\" is last in chain. Last Transform must be terminating.");
    }

    @Test
    void subChainsRunWithTheirOwnMetricsAndReleaseTheirRequests() {
        TransformChain chain = chain(new Holder("holder", List.of(new Pass("inner-pass"), new Answer("inner", false))));
        io.netty.buffer.ByteBuf raw = io.netty.buffer.Unpooled.copiedBuffer("*1\r\n$4\r\nPING\r\n",
                java.nio.charset.StandardCharsets.US_ASCII);
        Message request = Message.fromRaw(Protocol.VALKEY, raw, bytes -> ValkeyFrame.command("PING"), 1);
        List<Message> responses = chain.run(chain.newRun(new ArrayList<>(List.of(request)), null, false))
                .toCompletableFuture().join();
        assertThat(responses).singleElement().satisfies(r -> assertThat(r.requestId()).isEqualTo(request.id()));
        assertThat(raw.refCnt()).as("the sub-chain run released its request").isZero();
        assertThat(metrics.scrape()).contains("shotover_chain_total_count{chain=\"holder-inner\"} 1")
                .contains("shotover_transform_total_count{transform=\"Holder\"} 1");
    }

    @Test
    void subChainProblemsAreNestedUnderTheirTransform() {
        ChainFactory.Result result = factory.build("main", Protocol.VALKEY, List.of(
                new Holder("empty", List.of()),
                new Holder("open", List.of(new Pass("dangling")))));
        assertThat(result.errors()).containsExactly(
                "main chain:",
                "  Terminating Transform Holder named \"empty\" is not last in chain. Terminating Transform must be last in chain.",
                "  Holder:",
                "    empty-inner chain:",
                "      Chain cannot be empty",
                "  Holder:",
                "    open-inner chain:",
                "      Non-terminating Transform Pass named \"dangling\" is last in chain. Last Transform must be terminating.");
    }
}
