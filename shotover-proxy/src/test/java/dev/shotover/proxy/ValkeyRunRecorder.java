package dev.shotover.proxy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.UpChainProtocol;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only {@code - ValkeyRunRecorder}: records the shape of every chain run that passes, as
 * {@code "<requests>-><messages returned>"} (but not the flush run of a closing connection), so a test can see how the sink grouped what the backend sent.
 */
final class ValkeyRunRecorder {
    /** Every run seen in this JVM, oldest first; a test clears it before use. */
    static final List<String> RUNS = new CopyOnWriteArrayList<>();

    static final TransformFactory FACTORY = new Factory();

    private ValkeyRunRecorder() {
    }

    public record Config(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> record(state);
        }

        @Override
        public UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.VALKEY);
        }
    }

    private static CompletionStage<List<Message>> record(ChainState state) {
        int requests = state.requests().size();
        boolean closing = state.flush();
        return state.callNextTransform().thenApply(responses -> {
            // the final flush run of a closing connection comes at a time of its own: not part of what a test sees
            if (!closing) {
                RUNS.add(requests + "->" + responses.size());
            }
            return responses;
        });
    }

    private static final class Factory extends NamedTestFactory {
        Factory() {
            super("ValkeyRunRecorder", Config.class);
        }
    }
}
