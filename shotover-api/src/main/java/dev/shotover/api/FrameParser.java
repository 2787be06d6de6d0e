package dev.shotover.api;

import io.netty.buffer.ByteBuf;

/**
 * Turns the raw bytes of one complete message into a {@link Frame}. Codecs attach a parser to each message they
 * decode so that parsing happens only if a transform asks for the frame.
 *
 * <p>The parser reads {@code raw} without changing its reader index and without releasing it.
 */
@FunctionalInterface
public interface FrameParser {
    /**
     * Parses one message.
     *
     * @param raw the message's bytes, from its reader index to its writer index
     * @return the frame
     * @throws MessageParseException if the bytes are not a valid message of the protocol
     */
    Frame parse(ByteBuf raw);
}
