package dev.shotover.transforms.debug;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A terminating transform that answers every request itself: with the configured bulk string
 * ({@link DebugResponse.Valkey}), or by failing the run with {@value #FAIL_TEXT} ({@link DebugResponse.Fail}),
 * which ends the client connection. A {@code Fail} returner lets runs with an empty batch (flushes) succeed.
 *
 * <p><b>Threading.</b> Immutable; one instance may serve every connection. <b>Buffers.</b> Creates generated
 * responses only and releases nothing; the runtime releases the requests.
 */
public final class DebugReturner implements Transform {

    /** The message of the exception a {@code Fail} returner completes its stage with. */
    public static final String FAIL_TEXT = "Intentional Fail!";

    private final DebugResponse response;
    // Built once: frames are immutable, so every response can share it.
    private final ValkeyFrame valkeyFrame;

    public DebugReturner(DebugResponse response) {
        this.response = Objects.requireNonNull(response);
        this.valkeyFrame = response instanceof DebugResponse.Valkey valkey ? ValkeyFrame.bulk(valkey.value()) : null;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (response instanceof DebugResponse.Fail) {
            // Only a run that carries requests fails: empty flush runs (connection closing) are no error.
            return requests.isEmpty()
                    ? CompletableFuture.completedFuture(new ArrayList<>())
                    : CompletableFuture.failedFuture(new RuntimeException(FAIL_TEXT));
        }
        List<Message> responses = new ArrayList<>(requests.size());
        for (Message request : requests) {
            responses.add(Message.responseTo(request, valkeyFrame));
        }
        return CompletableFuture.completedFuture(responses);
    }
}
