package dev.shotover.protocols.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the bytes of a Valkey connection into {@link Message}s, one per complete RESP message, without parsing
 * them: each message holds a retained slice of the received bytes and parses itself only if a transform asks.
 *
 * <p>Works for both directions (client requests and server replies). Use {@link RespMessageKind#of(Message)} on a
 * decoded reply to tell pushes and errors apart without parsing.
 *
 * <p>Invalid bytes raise a {@link RespDecodeException}, which Netty wraps in a
 * {@link io.netty.handler.codec.DecoderException}; the connection cannot recover and should be closed. The error is
 * raised once: afterwards every received byte (including what is left when the channel closes) is discarded, so the
 * failure is reported, and logged, exactly once.
 *
 * <p><b>Threading and buffers.</b> Not sharable: one instance per channel (it keeps the scanner's progress through
 * a partly received message). Each emitted message owns one reference to its slice; whoever consumes the message
 * must eventually {@link Message#release()} it.
 */
public final class ValkeyMessageDecoder extends ByteToMessageDecoder {
    private final RespScanner scanner;
    private final RespFrameParser parser;
    private boolean failed;
    /** When the bytes being decoded were read: one clock read per socket read, not one per message. */
    private long readNanos;

    /** A decoder with Redis' default limits. */
    public ValkeyMessageDecoder() {
        this(RespLimits.DEFAULT);
    }

    public ValkeyMessageDecoder(RespLimits limits) {
        this.scanner = new RespScanner(limits);
        this.parser = limits.equals(RespLimits.DEFAULT) ? RespFrameParser.INSTANCE : new RespFrameParser(limits);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        // A pipelined read holds many messages; they all arrived at the same moment, so share one timestamp.
        readNanos = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        skipEmptyLines(in);
        if (!in.isReadable()) {
            return;
        }
        int length;
        try {
            length = scanner.scan(in);
        } catch (RespDecodeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (length < 0) {
            return;
        }
        out.add(Message.fromRaw(Protocol.VALKEY, in.readRetainedSlice(length), parser,
                readNanos != 0 ? readNanos : System.nanoTime()));
    }

    /**
     * Skips CR and LF bytes where a message would start. Redis ignores empty lines between commands (they are empty
     * inline commands), and {@code redis-cli --pipe} relies on it: it sends {@code \r\n} before its final ECHO. No
     * RESP message starts with CR or LF, so this never hides a malformed message, and it only ever runs at a message
     * boundary: a partly scanned message starts with its type byte.
     */
    private static void skipEmptyLines(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\r' && b != '\n') {
                return;
            }
            in.skipBytes(1);
        }
    }

    /** The first byte of the last message decoded on this channel (e.g. {@code '>'} for a push), 0 before any. */
    public byte lastTypeByte() {
        return scanner.lastTypeByte();
    }
}
