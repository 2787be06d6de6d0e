package dev.shotover.runtime;

import io.netty.buffer.ByteBuf;

/**
 * Writes the bytes of one response to the client while the sink is still receiving it ("cut-through"), instead of
 * after the whole response arrived and the chain run completed. Obtained from
 * {@link RuntimeContext#streamResponse}; see there for when the runtime allows it.
 *
 * <p>The sink writes the response's bytes in order, all of them, and then completes the run with the response
 * message as usual: the runtime records its metrics and releases it but does not write it again. If the run fails
 * instead, the client has seen part of a response, so the connection is closed without error responses.
 *
 * <p>Confined to the client connection's event loop.
 */
public interface ResponseStream {
    /** Writes and flushes the next bytes of the response. Takes ownership of {@code part}. */
    void write(ByteBuf part);
}
