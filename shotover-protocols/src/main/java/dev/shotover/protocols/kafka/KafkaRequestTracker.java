package dev.shotover.protocols.kafka;

import java.util.ArrayDeque;

/**
 * What the decoder of a backend connection needs to know about the requests written on it: a Kafka response
 * carries only the correlation id, and is decoded with the API key and version of its request. The encoder records
 * each request that will be answered (not Produce with {@code acks=0}); the decoder takes them back in order, since
 * a broker answers the requests of one connection in the order it received them, and checks the correlation id.
 *
 * <p><b>Threading.</b> Not thread-safe: shared by the encoder and the decoder of one channel, which both run on
 * that channel's event loop.
 */
public final class KafkaRequestTracker {
    /** One request waiting for its response. */
    public record Pending(short apiKey, short apiVersion, int correlationId) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    void add(short apiKey, short apiVersion, int correlationId) {
        pending.add(new Pending(apiKey, apiVersion, correlationId));
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
