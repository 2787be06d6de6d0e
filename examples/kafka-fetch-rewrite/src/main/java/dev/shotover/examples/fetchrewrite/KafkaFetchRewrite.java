package dev.shotover.examples.fetchrewrite;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.kafka.KafkaMessages;
import dev.shotover.api.kafka.KafkaRecords;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Replaces the value of every record in every Fetch response with a fixed value. Keys, headers, offsets, timestamps
 * and the batch's compression stay as the broker sent them: {@link KafkaRecords} rebuilds each changed batch with its
 * original compression type. Every other request and response passes through untouched (and is never decoded).
 *
 * <p>A Kafka response carries only a correlation id; whether it is a Fetch response is known from its request. So
 * responses are paired with requests by id ({@link Message#requestId()}), and the API key is read from the request's
 * header bytes without decoding the request.
 *
 * <p><b>Threading.</b> Keeps no state between calls, so one instance may serve every connection; each call runs on
 * its connection's event loop.
 */
final class KafkaFetchRewrite implements Transform {
    private final byte[] result;

    KafkaFetchRewrite(String result) {
        this.result = result.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        Set<MessageId> fetches = new HashSet<>();
        for (Message request : state.requests()) {
            if (KafkaMessages.requestApiKey(request) == ApiKeys.FETCH.id) {
                fetches.add(request.id());
            }
        }
        // Non-terminating: always call down-chain exactly once, also for empty (flush) batches.
        CompletionStage<List<Message>> responses = state.callNextTransform();
        if (fetches.isEmpty()) {
            return responses;
        }
        return responses.thenApply(list -> {
            for (Message response : list) {
                if (response.requestId() != null && fetches.contains(response.requestId())) {
                    // Decodes the response, rebuilds the batches whose values changed and marks the message for
                    // re-encoding; a Fetch response without records (a long poll that timed out) stays as it was.
                    KafkaRecords.replaceValues(response, record -> result);
                }
            }
            return list;
        });
    }
}
