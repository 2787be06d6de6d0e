package dev.shotover.api;

/**
 * A fully parsed protocol message. Each protocol has its own family of frames (for Valkey:
 * {@link dev.shotover.api.valkey.ValkeyFrame}); transforms obtain one with {@link Message#frame()}.
 *
 * <p>Frames are immutable values: to change a message, build a new frame and call
 * {@link Message#setFrame(Frame)}. Safe to share between threads.
 */
public interface Frame {
    /** {@return the protocol this frame belongs to} */
    Protocol protocol();

    /** {@return how this frame is classified for filtering and counting; requests only} */
    QueryType queryType();
}
