package dev.shotover.api;

import java.util.List;

/**
 * Made once per occurrence of a transform in a topology, shared by every connection of its chain. Holds state that
 * spans connections (rate limiters, cluster topology, caches); such state must be thread-safe because connections
 * run on different event loops.
 */
public interface TransformBuilder {

    /**
     * {@return a new per-connection instance} Called on the new connection's event loop; must not block.
     *
     * @param context the connection: its event loop, client address and allocator
     */
    Transform build(TransformContext context);

    /**
     * Problems with the configuration, one sentence each, found at startup. Non-empty stops startup and every
     * message is reported under the chain and transform it belongs to.
     *
     * @return the problems, or an empty list
     */
    default List<String> validate() {
        return List.of();
    }

    /** Called once when the proxy shuts down, after every connection closed. */
    default void close() {
    }
}
