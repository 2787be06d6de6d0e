package dev.shotover.transforms.nullsink;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import dev.shotover.transforms.testing.TinyRespParser;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class NullSinkTest {

    private static final ChainState.DownChain NO_DOWN_CHAIN = (index, state) -> {
        throw new AssertionError("a terminating transform must not call down-chain");
    };

    private static List<Message> run(List<Message> requests) throws Exception {
        var builder = new NullSinkConfig(null).builder(TestContexts.build("NullSink", new TestMetrics()));
        var sink = builder.build(TestContexts.connection());
        return sink.transform(new ChainState("test-chain", null, requests, false, NO_DOWN_CHAIN))
                .toCompletableFuture().join();
    }

    @Test
    void answersEveryRequestWithTheNullTransformErrorInOrder() throws Exception {
        Message set = command("SET", "k", "v");
        Message get = raw(resp("GET", "k"));
        try {
            List<Message> responses = run(batch(set, get));

            assertThat(responses).extracting(Message::requestId).containsExactly(set.id(), get.id());
            assertThat(responses).extracting(r -> render(r)).containsOnly("error:ERR Handled by shotover null transform");
            // The raw request was never parsed: the sink has no reason to look inside.
            assertThat(get.isParsed()).isFalse();
        } finally {
            get.release();
        }
    }

    @Test
    void emptyBatchGivesNoResponses() throws Exception {
        assertThat(run(batch())).isEmpty();
    }

    @Test
    void kafkaRequestsFailTheRunBecauseKafkaHasNoGenericError() {
        Message kafka = Message.fromRaw(Protocol.KAFKA, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 7}),
                TinyRespParser.INSTANCE, 0L);
        try {
            assertThatThrownBy(() -> run(batch(kafka)))
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(UnsupportedOperationException.class);
        } finally {
            kafka.release();
        }
    }

    @Test
    void isTerminatingAndRegisteredAsNullSinkAndNull() {
        assertThat(new NullSinkConfig("x").downChainProtocol().isTerminating()).isTrue();
        NullSinkFactory factory = new NullSinkFactory();
        assertThat(factory.typeName()).isEqualTo("NullSink");
        assertThat(factory.aliases()).containsExactly("Null");
        assertThat(factory.configType()).isEqualTo(NullSinkConfig.class);
    }
}
