package ${package};

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Appends a suffix to the value of every successful {@code GET} reply; everything else passes through unchanged.
 * Replace the body of {@code transform} with your own logic.
 *
 * <p><b>The contract</b> (see the SDK guide): return exactly one response per request, in request order, each
 * carrying its request's id; call {@link ChainState#callNextTransform()} exactly once per call, also for empty
 * batches. Pair responses with requests by id ({@link Message#requestId()}), never by position.
 *
 * <p><b>Threading.</b> Every call runs on the client connection's event loop: never block here. This instance is
 * shared by all connections, which is safe because it has no mutable state.
 *
 * <p><b>Buffers.</b> The proxy releases requests and responses it hands out; {@link Message#setFrame} releases the
 * original bytes of the message it changes. Only a transform that drops a response must release it.
 */
final class ${transformName} implements Transform {
    private final byte[] suffix;
    private final Metrics.Counter rewritten;

    ${transformName}(String suffix, Metrics.Counter rewritten) {
        this.suffix = suffix.getBytes(StandardCharsets.UTF_8);
        this.rewritten = rewritten;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        // On the way down: remember which requests are GETs. Parsing costs, so look only at what you need.
        Set<MessageId> gets = new HashSet<>();
        for (Message request : state.requests()) {
            if (isGet(request)) {
                gets.add(request.id());
            }
        }
        // Send the batch down the chain (to the backend) and change the replies on their way back.
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                if (response.requestId() != null && gets.contains(response.requestId())
                        && response.frame() instanceof ValkeyFrame.BulkString value) {
                    response.setFrame(new ValkeyFrame.BulkString(concat(value.value(), suffix)));
                    rewritten.increment();
                }
            }
            return responses;
        });
    }

    private static boolean isGet(Message request) {
        try {
            return "GET".equals(request.frame(ValkeyFrame.class).commandName());
        } catch (MessageParseException e) {
            return false; // not ours to judge: the backend answers malformed requests
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
