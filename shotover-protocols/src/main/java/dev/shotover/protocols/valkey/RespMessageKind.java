package dev.shotover.protocols.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;

/**
 * What a Valkey message is, as far as pairing responses with requests is concerned, found without parsing it.
 * A sink uses it to tell out-of-band pushes (which answer no request) and error replies (counted as failed requests)
 * from ordinary replies.
 *
 * <p>Immutable; the static methods are thread-safe but read the message, which belongs to one event loop.
 */
public enum RespMessageKind {
    /** A RESP3 push ({@code >}): pub/sub message, client-tracking invalidation. Answers no request. */
    PUSH,
    /** An error reply, RESP2 {@code -} or RESP3 {@code !}. */
    ERROR,
    /** Anything else: an ordinary reply, or a request. */
    OTHER;

    /** The kind a message starting with {@code typeByte} has, ignoring attributes (see {@link #of(Message)}). */
    public static RespMessageKind ofTypeByte(byte typeByte) {
        switch (typeByte) {
            case '>':
                return PUSH;
            case '-':
            case '!':
                return ERROR;
            default:
                return OTHER;
        }
    }

    /**
     * The kind of a Valkey message. For an unmodified message this reads its first raw byte (and, only for the rare
     * RESP3 attribute, skips the attribute to reach the reply it describes); it never parses the message. For a
     * generated or modified message it looks at the frame.
     *
     * @throws IllegalArgumentException when the message is not a Valkey message
     */
    public static RespMessageKind of(Message message) {
        requireValkey(message);
        ByteBuf raw = message.rawBytes();
        if (raw != null) {
            return ofTypeByte(replyTypeByte(raw));
        }
        ValkeyFrame frame = message.frame(ValkeyFrame.class);
        while (frame instanceof ValkeyFrame.Attribute attribute) {
            frame = attribute.reply();
        }
        return ofTypeByte(RespEncoder.typeByte(frame));
    }

    /**
     * The first RESP byte of a Valkey message, e.g. {@code '>'} for a push or {@code '|'} for an attribute: the raw
     * byte for an unmodified message, else the type byte its frame will be encoded with.
     *
     * @throws IllegalArgumentException when the message is not a Valkey message
     */
    public static byte typeByte(Message message) {
        requireValkey(message);
        ByteBuf raw = message.rawBytes();
        if (raw != null) {
            return raw.getByte(raw.readerIndex());
        }
        return RespEncoder.typeByte(message.frame(ValkeyFrame.class));
    }

    private static void requireValkey(Message message) {
        if (message.protocol() != Protocol.VALKEY) {
            throw new IllegalArgumentException("not a Valkey message: " + message);
        }
    }

    /** The type byte of the reply a complete message carries, skipping any leading attributes. */
    private static byte replyTypeByte(ByteBuf message) {
        final int base = message.readerIndex();
        int index = base;
        byte type = message.getByte(index);
        RespScanner scanner = null;
        while (type == '|') {
            int cr = message.indexOf(index + 1, message.writerIndex(), RespSyntax.CR);
            if (cr < 0) {
                throw new RespDecodeException("incomplete attribute header", index - (long) base);
            }
            long pairs = RespSyntax.parseLength(message, base, index + 1, cr, type, Integer.MAX_VALUE);
            index = cr + 2;
            if (scanner == null) {
                scanner = new RespScanner();
            }
            // Each attribute key and value is a complete RESP value on its own, so the scanner can skip it.
            for (long i = 0; i < pairs * 2; i++) {
                int length = scanner.scan(message.slice(index, message.writerIndex() - index));
                if (length < 0) {
                    throw new RespDecodeException("incomplete attribute", index - (long) base);
                }
                index += length;
            }
            if (index >= message.writerIndex()) {
                throw new RespDecodeException("attribute without a reply", index - (long) base);
            }
            type = message.getByte(index);
        }
        return type;
    }
}
