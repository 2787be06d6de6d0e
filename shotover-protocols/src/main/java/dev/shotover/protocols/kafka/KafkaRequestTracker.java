package dev.shotover.protocols.kafka;

import java.util.ArrayDeque;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What the decoder of a backend connection needs to know about the requests written on it: a Kafka response
 * carries only the correlation id, and is decoded with the API key and version of its request. The encoder records
 * each request that will be answered (not Produce with {@code acks=0}); the decoder takes them back in order, since
 * a broker answers the requests of one connection in the order it received them, and checks the correlation id.
 *
 * <p>Tokens of the legacy SASL flow (after a SaslHandshake v0) are recorded too: the broker's answer to one is a
 * bare token without a correlation id, which the decoder must not read as a Kafka response.
 *
 * <p><b>Threading.</b> Not thread-safe: shared by the encoder and the decoder of one channel, which both run on
 * that channel's event loop.
 */
public final class KafkaRequestTracker {
    /**
     * One request waiting for its response.
     *
     * @param apiKey        the request's API key id ({@code SaslAuthenticate} for a legacy SASL token)
     * @param apiVersion    its version (-1 for a token)
     * @param correlationId its correlation id (-1 for a token)
     * @param saslToken     whether it is a legacy SASL token, answered by a bare token
     */
    public record Pending(short apiKey, short apiVersion, int correlationId, boolean saslToken) {
    }

    private static final Pending SASL_TOKEN = new Pending(ApiKeys.SASL_AUTHENTICATE.id, (short) -1, -1, true);

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    void add(short apiKey, short apiVersion, int correlationId) {
        pending.add(new Pending(apiKey, apiVersion, correlationId, false));
    }

    void addSaslToken() {
        pending.add(SASL_TOKEN);
    }

    /** The oldest request waiting, without removing it; null when none waits. */
    Pending peek() {
        return pending.peek();
    }

    /** Whether the oldest request waiting is a legacy SASL token (false when none waits). */
    boolean nextIsSaslToken() {
        Pending oldest = pending.peek();
        return oldest != null && oldest.saslToken();
    }

    /** Removes the oldest request waiting, which must be a legacy SASL token. */
    void takeSaslToken() {
        if (!nextIsSaslToken()) {
            throw new IllegalStateException("the oldest request waiting is not a SASL token");
        }
        pending.poll();
    }

    /**
     * The request that {@code correlationId} answers, removed from the tracker.
     *
     * @throws KafkaDecodeException if no request is waiting or the oldest one has another correlation id
     */
    Pending take(int correlationId) {
        Pending oldest = pending.poll();
        if (oldest == null) {
            throw new KafkaDecodeException("received a response (correlation id " + correlationId
                    + ") while no request was waiting for one");
        }
        if (oldest.correlationId() != correlationId) {
            throw new KafkaDecodeException("received a response with correlation id " + correlationId
                    + " but the oldest request waiting has correlation id " + oldest.correlationId());
        }
        return oldest;
    }

    /** The number of requests written and not answered yet. */
    public int size() {
        return pending.size();
    }
}
