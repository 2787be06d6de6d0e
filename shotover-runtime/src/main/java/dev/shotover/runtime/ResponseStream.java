package dev.shotover.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

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

    /**
     * Moves the next {@code length} bytes that arrive on {@code backend} to the client with {@code splice(2)}, after
     * everything written before: they never enter the proxy. The backend's next {@code length} bytes go to the
     * splice before any normal read, so a decoder calling this from its read sees the bytes after them next. Only
     * when {@link RuntimeContext#canSpliceToClient} said yes for {@code backend}.
     *
     * @return completes when the bytes were written to the client; fails if either connection failed, after which
     *     the position in the backend's stream is unknown and it must be closed
     */
    default Future<Void> spliceFrom(Channel backend, int length) {
        throw new UnsupportedOperationException("this response stream cannot splice");
    }
}
