package dev.shotover.examples.getrewrite;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Replaces the reply of every {@code GET} with a fixed bulk string, whatever the backend answered (a value, a
 * missing key, an error). Everything else passes through untouched.
 *
 * <p>Responses are paired with requests by id ({@link Message#requestId()}), never by position: a transform further
 * down may answer some requests itself or the batch may contain pushes, and ids stay right in every case.
 *
 * <p><b>Threading.</b> Keeps no state between calls, so one instance may serve every connection; each call runs on
 * its connection's event loop.
 */
final class ValkeyGetRewrite implements Transform {
    private final ValkeyFrame.BulkString result;

    ValkeyGetRewrite(String result) {
        this.result = ValkeyFrame.bulk(result);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        Set<MessageId> gets = new HashSet<>();
        for (Message request : state.requests()) {
            if (isGet(request)) {
                gets.add(request.id());
            }
        }
        // Non-terminating: always call down-chain exactly once, also for empty (flush) batches.
        CompletionStage<List<Message>> responses = state.callNextTransform();
        if (gets.isEmpty()) {
            return responses;
        }
        return responses.thenApply(list -> {
            for (Message response : list) {
                if (response.requestId() != null && gets.contains(response.requestId())) {
                    // setFrame releases the backend's bytes; the message is re-encoded from the new frame.
                    response.setFrame(result);
                }
            }
            return list;
        });
    }

    private static boolean isGet(Message request) {
        try {
            return "GET".equals(request.frame(ValkeyFrame.class).commandName());
        } catch (MessageParseException e) {
            return false; // not ours to judge: the backend answers malformed requests
        }
    }
}
