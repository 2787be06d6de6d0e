package dev.shotover.api;

import io.netty.buffer.ByteBufAllocator;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a per-connection {@link Transform} instance gets from the runtime. Valid for the life of the connection.
 */
public interface TransformContext {

    /** {@return the chain the instance runs in} */
    String chainName();

    /** {@return the client's address} */
    SocketAddress clientAddress();

    /**
     * {@return the event loop of the client connection} Every call into the transform happens on it; open backend
     * connections
     * on it (the runtime's sinks pass it to Netty's {@code Bootstrap.group}) and complete stages on it.
     */
    ScheduledExecutorService eventLoop();

    /** {@return the allocator for buffers written to the network} */
    ByteBufAllocator allocator();

    /**
     * Asks for a run of the chain with an empty batch as soon as possible, so that responses which arrived on their
     * own (pub/sub pushes, timers) can travel up. Call it on the event loop.
     */
    void forceRunChain();
}
