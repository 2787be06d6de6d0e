package dev.shotover.transforms.nullsink;

import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A terminating transform that sends nothing anywhere: every request is answered with the protocol-native
 * internal error {@value #ERROR_TEXT}: for Valkey {@code -ERR Handled by shotover null transform}, for Cassandra a
 * {@code Server error}, for Kafka the request's own response with {@code UNKNOWN_SERVER_ERROR}.
 *
 * <p>Older Shotover documentation says this transform returns an "empty response"; Shotover itself has answered
 * with this error for a long time, and clients rely on getting exactly one reply per request.
 *
 * <p><b>Threading.</b> Stateless; one instance may serve every connection. <b>Buffers.</b> It creates generated
 * responses only and drops nothing, so it releases nothing; the runtime releases the requests.
 */
public final class NullSink implements Transform {

    /** The error text of every response. */
    public static final String ERROR_TEXT = "Handled by shotover null transform";

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        List<Message> responses = new ArrayList<>(requests.size());
        try {
            for (Message request : requests) {
                responses.add(request.errorResponse(ErrorKind.INTERNAL, ERROR_TEXT));
            }
        } catch (RuntimeException e) {
            // a request no error response can be built for (a Kafka legacy SASL token, bytes that do not parse)
            // ends the connection, as it does in Shotover
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(responses);
    }
}
