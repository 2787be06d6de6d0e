package dev.shotover.api;

/**
 * The wire protocols Shotover speaks. A chain starts with its source's protocol; transforms declare which
 * protocols they accept up-chain and what they send down-chain.
 *
 * <p>Immutable; safe from any thread.
 */
public enum Protocol {
    /** Valkey/Redis RESP2 and RESP3: responses come back in request order. */
    VALKEY("Valkey", true),
    /**
     * Cassandra CQL native protocol: responses are paired with requests by stream id and may come back in any order.
     */
    CASSANDRA("Cassandra", false),
    /** Kafka wire protocol: responses come back in request order on a connection. */
    KAFKA("Kafka", true);

    private final String displayName;
    private final boolean inOrder;

    Protocol(String displayName, boolean inOrder) {
        this.displayName = displayName;
        this.inOrder = inOrder;
    }

    /** {@return the name Shotover uses in YAML and in error messages, e.g. {@code Valkey}} */
    public String displayName() {
        return displayName;
    }

    /** {@return true when the protocol requires responses in the order of their requests} */
    public boolean isInOrder() {
        return inOrder;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
