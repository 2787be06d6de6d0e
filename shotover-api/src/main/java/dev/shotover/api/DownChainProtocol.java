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

    static DownChainProtocol sameAsUpChain() {
        return new SameAsUpChain();
    }

    static DownChainProtocol transformedTo(Protocol protocol) {
        return new TransformedTo(protocol);
    }

    static DownChainProtocol terminating() {
        return new Terminating();
    }

    default boolean isTerminating() {
        return this instanceof Terminating;
    }
}
