package dev.shotover.api;

import java.util.EnumSet;
import java.util.Set;

/** Which protocols a transform accepts from up-chain; checked when the topology is built. */
public sealed interface UpChainProtocol {

    /** Accepts every protocol. */
    record Any() implements UpChainProtocol {
    }

    /** Accepts only the listed protocols. */
    record MustBeOneOf(Set<Protocol> protocols) implements UpChainProtocol {
        public MustBeOneOf {
            protocols = Set.copyOf(protocols);
        }
    }

    static UpChainProtocol any() {
        return new Any();
    }

    static UpChainProtocol oneOf(Protocol first, Protocol... rest) {
        return new MustBeOneOf(EnumSet.of(first, rest));
    }

    /** True when messages of {@code protocol} may be sent to the transform. */
    default boolean accepts(Protocol protocol) {
        return !(this instanceof MustBeOneOf oneOf) || oneOf.protocols().contains(protocol);
    }
}
