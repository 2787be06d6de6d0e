package dev.shotover.api;

import java.util.EnumSet;
import java.util.Set;

/** Which protocols a transform accepts from up-chain; checked when the topology is built. */
public sealed interface UpChainProtocol {

    /** Accepts every protocol. */
    record Any() implements UpChainProtocol {
    }

    /**
     * Accepts only the listed protocols.
     *
     * @param protocols the accepted protocols
     */
    record MustBeOneOf(Set<Protocol> protocols) implements UpChainProtocol {
        /**
         * Keeps an immutable copy.
         *
         * @param protocols the accepted protocols
         */
        public MustBeOneOf {
            protocols = Set.copyOf(protocols);
        }
    }

    /** {@return a transform that accepts every protocol} */
    static UpChainProtocol any() {
        return new Any();
    }

    /**
     * {@return a transform that accepts only the given protocols}
     *
     * @param first a protocol it accepts
     * @param rest  further protocols it accepts
     */
    static UpChainProtocol oneOf(Protocol first, Protocol... rest) {
        return new MustBeOneOf(EnumSet.of(first, rest));
    }

    /**
     * {@return true when messages of {@code protocol} may be sent to the transform}
     *
     * @param protocol the protocol arriving from up-chain
     */
    default boolean accepts(Protocol protocol) {
        return !(this instanceof MustBeOneOf oneOf) || oneOf.protocols().contains(protocol);
    }
}
