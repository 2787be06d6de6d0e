package dev.shotover.protocols.valkey;

import static dev.shotover.protocols.valkey.RespSyntax.LF;

import dev.shotover.api.FrameParser;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the bytes of exactly one RESP message (as delimited by {@link RespScanner}) into a {@link ValkeyFrame}.
 * Runs only when a transform asks a message for its frame.
 *
 * <p>Accepts the same bytes as the scanner and reports errors with the same texts. Blob contents are copied out, so
 * the frame stays valid after the buffer is released. Simple strings and errors are decoded as UTF-8.
 *
 * <p><b>Threading and buffers.</b> Stateless and thread-safe. {@link #parse} reads the buffer with absolute indexes:
 * it neither moves the reader index nor retains or releases the buffer.
 */
public final class RespFrameParser implements FrameParser {
    /** The parser with Redis' default limits, shared by every connection. */
    public static final RespFrameParser INSTANCE = new RespFrameParser(RespLimits.DEFAULT);

    private final RespLimits limits;

    public RespFrameParser(RespLimits limits) {
        this.limits = limits;
    }

    /**
     * @param raw the readable bytes of exactly one message
     * @throws RespDecodeException when the bytes are not one complete, valid RESP message
     */
    @Override
    public ValkeyFrame parse(ByteBuf raw) {
        Reader reader = new Reader(raw, limits);
        ValkeyFrame frame = reader.value(0);
        if (reader.index != reader.end) {
            throw new RespDecodeException((reader.end - reader.index) + " unexpected bytes after the message",
                    reader.index - (long) reader.base);
        }
        return frame;
    }

    /** One parse: a cursor over the buffer. */
    private static final class Reader {
        private final ByteBuf buf;
        private final RespLimits limits;
        private final int base;
        private final int end;
        private int index;

        Reader(ByteBuf buf, RespLimits limits) {
            this.buf = buf;
            this.limits = limits;
            this.base = buf.readerIndex();
            this.end = buf.writerIndex();
            this.index = base;
        }

        /** Parses the value at {@link #index}; {@code depth} is the number of aggregates already open around it. */
        ValkeyFrame value(int depth) {
            if (index >= end) {
                throw incomplete();
            }
            final int header = index;
            final byte type = buf.getByte(header);
            final RespSyntax.Shape shape = RespSyntax.shapeOf(type);
            if (shape == null) {
                throw RespSyntax.invalidTypeByte(type, header - (long) base);
            }
            final int lineStart = header + 1;
            final int cr = findCr(lineStart);
            index = cr + 2;
            switch (shape) {
                case LINE:
                    RespSyntax.checkLine(buf, base, lineStart, cr, type);
                    return line(type, lineStart, cr);
                case BLOB: {
                    long length = RespSyntax.parseLength(buf, base, lineStart, cr, type, limits.maxBulkLength());
                    if (length < 0) {
                        return new ValkeyFrame.NullBulkString();
                    }
                    return blob(type, (int) length);
                }
                case AGGREGATE: {
                    long count = RespSyntax.parseLength(buf, base, lineStart, cr, type, limits.maxBulkLength());
                    if (count < 0) {
                        return new ValkeyFrame.NullArray();
                    }
                    int children = RespSyntax.childCount(type, count);
                    if (children > 0 && depth == limits.maxNestingDepth()) {
                        throw new RespDecodeException("aggregates nested deeper than " + limits.maxNestingDepth(),
                                header - (long) base);
                    }
                    return aggregate(type, children, depth + 1);
                }
                default:
                    throw new IllegalStateException("unknown shape " + shape);
            }
        }

        private ValkeyFrame line(byte type, int from, int to) {
            switch (type) {
                case '+':
                    return new ValkeyFrame.SimpleString(buf.toString(from, to - from, StandardCharsets.UTF_8));
                case '-':
                    return new ValkeyFrame.Error(buf.toString(from, to - from, StandardCharsets.UTF_8));
                case ':':
                    return new ValkeyFrame.Integer(RespSyntax.integerValue(buf, from, to));
                case '_':
                    return new ValkeyFrame.Null();
                case ',':
                    return new ValkeyFrame.Double(buf.toString(from, to - from, StandardCharsets.US_ASCII));
                case '#':
                    return new ValkeyFrame.Boolean(buf.getByte(from) == 't');
                case '(':
                    return new ValkeyFrame.BigNumber(buf.toString(from, to - from, StandardCharsets.US_ASCII));
                default:
                    throw new IllegalStateException("not a line type: " + (char) type);
            }
        }

        private ValkeyFrame blob(byte type, int length) {
            final int dataStart = index;
            if ((long) end - dataStart < length + 2L) {
                throw incomplete();
            }
            RespSyntax.expectCrlfAfterBlob(buf, base, dataStart + length);
            index = dataStart + length + 2;
            switch (type) {
                case '$':
                    return new ValkeyFrame.BulkString(copy(dataStart, length));
                case '!':
                    return new ValkeyFrame.BulkError(copy(dataStart, length));
                case '=':
                    RespSyntax.expectVerbatimColon(buf, base, dataStart);
                    // ISO-8859-1 maps each byte to one char, so any 3-byte format re-encodes to the same bytes.
                    return new ValkeyFrame.VerbatimString(buf.toString(dataStart, 3, StandardCharsets.ISO_8859_1),
                            copy(dataStart + 4, length - 4));
                default:
                    throw new IllegalStateException("not a blob type: " + (char) type);
            }
        }

        private ValkeyFrame aggregate(byte type, int children, int childDepth) {
            if (type == '|') {
                List<ValkeyFrame> attributes = values(children - 1, childDepth);
                return new ValkeyFrame.Attribute(attributes, value(childDepth));
            }
            List<ValkeyFrame> elements = values(children, childDepth);
            switch (type) {
                case '*':
                    return new ValkeyFrame.Array(elements);
                case '%':
                    return new ValkeyFrame.Map(elements);
                case '~':
                    return new ValkeyFrame.Set(elements);
                case '>':
                    return new ValkeyFrame.Push(elements);
                default:
                    throw new IllegalStateException("not an aggregate type: " + (char) type);
            }
        }

        private List<ValkeyFrame> values(int count, int depth) {
            // The count comes from the peer: size the list by what the remaining bytes can hold (3 bytes per value
            // at least), not by the announced count.
            List<ValkeyFrame> values = new ArrayList<>((int) Math.min(count, (end - index) / 3L));
            for (int i = 0; i < count; i++) {
                values.add(value(depth));
            }
            return values;
        }

        private byte[] copy(int from, int length) {
            byte[] bytes = new byte[length];
            buf.getBytes(from, bytes);
            return bytes;
        }

        /** The index of the CR ending the line whose content starts at {@code from}; checks the LF after it. */
        private int findCr(int from) {
            int found = from < end ? buf.forEachByte(from, end - from, ByteProcessor.FIND_CRLF) : -1;
            if (found < 0) {
                throw incomplete();
            }
            if (buf.getByte(found) == LF) {
                throw new RespDecodeException("LF without a preceding CR", found - (long) base);
            }
            if (found + 1 >= end) {
                throw incomplete();
            }
            byte afterCr = buf.getByte(found + 1);
            if (afterCr != LF) {
                throw new RespDecodeException("CR not followed by LF, found " + RespSyntax.describe(afterCr),
                        found + 1L - base);
            }
            return found;
        }

        private RespDecodeException incomplete() {
            return new RespDecodeException("incomplete message: " + (end - base) + " bytes end inside a value",
                    end - (long) base);
        }
    }
}
