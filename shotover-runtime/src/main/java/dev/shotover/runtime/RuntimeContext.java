package dev.shotover.runtime;

import dev.shotover.api.MessageId;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.net.Transport;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * The runtime's side of {@link TransformContext}: what built-in sinks need to open backend connections on the
 * client's event loop. Custom transforms should stay with {@link TransformContext}.
 */
public interface RuntimeContext extends TransformContext {

    /** The client connection's Netty event loop. */
    EventLoop nettyEventLoop();

    /** The transport of that event loop; backend channels must use the same. */
    Transport transport();

    ProxyMetrics metrics();

    /**
     * Reads from {@code backend} only while the client reads what the proxy writes to it: when the client falls behind
     * (its connection stops being writable), the backend channel stops reading until it catches up, so the proxy never
     * buffers more than a socket's worth for a slow client and the backend's own limits apply (redis disconnects a
     * pub/sub subscriber that falls too far behind, as it would without the proxy). For backend connections that
     * serve this client alone; called on the event loop, once per channel.
     */
    void readPacedByClient(Channel backend);

    /**
     * Lets a sink that has just written to {@code backend} leave the flush to the runtime: while the runtime is
     * starting the chain runs of one client read (several for out-of-order protocols), it flushes every backend
     * written to once, after the last run started. Called on the event loop.
     *
     * @return true when the runtime will flush {@code backend}; false when the caller must flush it now
     */
    boolean deferFlush(Channel backend);

    /**
     * Lets a sink write the response to {@code requestId} to the client while it is still arriving, or returns null
     * when that is not possible now. The runtime allows it only when nothing can come between: the chain is the
     * sink alone (no transform can look at or change the response), the protocol answers in order, the request is
     * the first of the oldest run whose responses are not written yet, and no other response is being streamed.
     * Worth it for large responses that pass through unchanged, whose store-and-forward would otherwise add the
     * time to receive them to every round trip.
     */
    default ResponseStream streamResponse(MessageId requestId) {
        return null;
    }

    /**
     * Whether bytes from {@code backend} can be spliced to the client ({@link ResponseStream#spliceFrom}): both are
     * epoll channels on the same event loop and neither has TLS (the bytes must pass as they are on both wires).
     * Called on the event loop once the backend channel is active.
     */
    default boolean canSpliceToClient(Channel backend) {
        return false;
    }

    /** Narrows a context handed to a transform; every context the runtime makes is a RuntimeContext. */
    static RuntimeContext of(TransformContext context) {
        if (context instanceof RuntimeContext runtime) {
            return runtime;
        }
        throw new IllegalArgumentException("this transform needs the Shotover runtime's context, got "
                + context.getClass().getName());
    }
}
