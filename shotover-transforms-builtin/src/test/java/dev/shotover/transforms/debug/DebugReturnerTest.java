package dev.shotover.transforms.debug;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DebugReturnerTest {

    private static final ChainState.DownChain NO_DOWN_CHAIN = (index, state) -> {
        throw new AssertionError("a terminating transform must not call down-chain");
    };

    private static Transform returner(DebugResponse response) throws Exception {
        return new DebugReturnerConfig(null, response).builder(TestContexts.build("DebugReturner", new TestMetrics()))
                .build(TestContexts.connection());
    }

    private static CompletableFuture<List<Message>> run(Transform transform, List<Message> requests) {
        return transform.transform(new ChainState("test-chain", null, requests, false, NO_DOWN_CHAIN))
                .toCompletableFuture();
    }

    @Test
    void valkeyResponseAnswersEveryRequestWithTheBulkString() throws Exception {
        Message get = command("GET", "a");
        Message rawSet = raw(resp("SET", "b", "1"));
        try {
            List<Message> responses = run(returner(new DebugResponse.Valkey("42")), batch(get, rawSet)).join();

            assertThat(responses).extracting(Message::requestId).containsExactly(get.id(), rawSet.id());
            assertThat(responses).extracting(r -> render(r)).containsExactly("bulk:42", "bulk:42");
            assertThat(responses).allMatch(r -> r.protocol() == Protocol.VALKEY && r.isModified());
        } finally {
            rawSet.release();
        }
    }

    @Test
    void failCompletesTheStageExceptionallyWithIntentionalFail() throws Exception {
        CompletableFuture<List<Message>> stage = run(returner(new DebugResponse.Fail()), batch(command("GET", "a")));

        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((ok, error) -> error).join())
                .isExactlyInstanceOf(RuntimeException.class)
                .hasMessage("Intentional Fail!");
    }

    @Test
    void failLetsEmptyFlushRunsSucceed() throws Exception {
        assertThat(run(returner(new DebugResponse.Fail()), batch()).join()).isEmpty();
        assertThat(run(returner(new DebugResponse.Valkey("42")), batch()).join()).isEmpty();
    }

    @Test
    void valkeyVariantAcceptsOnlyValkeyChainsAndFailAcceptsAny() {
        var valkey = new DebugReturnerConfig("r", new DebugResponse.Valkey("42"));
        assertThat(valkey.upChainProtocol().accepts(Protocol.VALKEY)).isTrue();
        assertThat(valkey.upChainProtocol().accepts(Protocol.CASSANDRA)).isFalse();
        var fail = new DebugReturnerConfig("r", new DebugResponse.Fail());
        assertThat(fail.upChainProtocol().accepts(Protocol.CASSANDRA)).isTrue();
        assertThat(valkey.downChainProtocol().isTerminating()).isTrue();
        assertThat(new DebugReturnerFactory().typeName()).isEqualTo("DebugReturner");
        assertThat(new DebugReturnerFactory().configType()).isEqualTo(DebugReturnerConfig.class);
    }
}
