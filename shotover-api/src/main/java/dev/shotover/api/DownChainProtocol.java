package dev.shotover.api;

/** What a transform sends down-chain. */
public sealed interface DownChainProtocol {

    /** Passes messages of the up-chain protocol on. */
    record SameAsUpChain() implements DownChainProtocol {
    }

    /** Sends another protocol down-chain (e.g. a cache that talks Valkey for a Cassandra chain). */
    record TransformedTo(Protocol protocol) implements DownChainProtocol {
    }

    /** Ends the chain: a sink, or a transform that answers every request itself. Must be last in its chain. */
    record Terminating() implements DownChainProtocol {
    }

    /** {@return a transform that passes messages of the up-chain protocol on} */
    static DownChainProtocol sameAsUpChain() {
        return new SameAsUpChain();
    }

    /**
     * {@return a transform that sends {@code protocol} down-chain}
     *
     * @param protocol the protocol of the messages it sends down-chain
     */
    static DownChainProtocol transformedTo(Protocol protocol) {
        return new TransformedTo(protocol);
    }

    /** {@return a transform that ends its chain} */
    static DownChainProtocol terminating() {
        return new Terminating();
    }

    /** {@return whether this is {@link Terminating}: the transform must be last in its chain} */
    default boolean isTerminating() {
        return this instanceof Terminating;
    }
}
