package dev.shotover.protocols.valkey;

import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link ValkeyFrame}s as canonical RESP: no sign on positive numbers, no leading zeros, CRLF line ends.
 * For every frame {@code f}, {@code parse(encode(f)).equals(f)}; for canonical input {@code b},
 * {@code encode(parse(b))} is {@code b} again.
 *
 * <p>Used only for messages a transform generated or modified; unmodified messages are written as their original
 * bytes. Stateless and thread-safe.
 */
public final class RespEncoder {
    private static final short CRLF = ('\r' << 8) | '\n';

    private RespEncoder() {
    }

    /**
     * Appends the RESP bytes of {@code frame} to {@code out}.
     *
     * @throws IllegalArgumentException when the frame cannot be written as valid RESP: a simple string or error
     *     containing CR or LF, a double or big number that is not a number, a verbatim format that is not 3
     *     ISO-8859-1 characters, or an attribute with an odd number of keys and values. {@code out} may then hold a
     *     partial encoding.
     */
    public static void encode(ValkeyFrame frame, ByteBuf out) {
        // Most frequent first: commands are arrays of bulk strings.
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            writeBlob(out, '$', bulk.value());
        } else if (frame instanceof ValkeyFrame.Array array) {
            writeAggregate(out, '*', array.elements().size(), array.elements());
        } else if (frame instanceof ValkeyFrame.SimpleString simple) {
            writeTextLine(out, '+', simple.value());
        } else if (frame instanceof ValkeyFrame.Integer integer) {
            out.writeByte(':');
            writeDecimal(out, integer.value());
            out.writeShort(CRLF);
        } else if (frame instanceof ValkeyFrame.Error error) {
            writeTextLine(out, '-', error.message());
        } else if (frame instanceof ValkeyFrame.NullBulkString) {
            writeAsciiLine(out, '$', "-1");
        } else if (frame instanceof ValkeyFrame.NullArray) {
            writeAsciiLine(out, '*', "-1");
        } else if (frame instanceof ValkeyFrame.Null) {
            writeAsciiLine(out, '_', "");
        } else if (frame instanceof ValkeyFrame.Double d) {
            if (!RespSyntax.isDouble(d.text())) {
                throw new IllegalArgumentException("not a RESP double: \"" + d.text() + "\"");
            }
            writeAsciiLine(out, ',', d.text());
        } else if (frame instanceof ValkeyFrame.Boolean b) {
            writeAsciiLine(out, '#', b.value() ? "t" : "f");
        } else if (frame instanceof ValkeyFrame.BigNumber big) {
            if (!RespSyntax.isBigNumber(big.digits())) {
                throw new IllegalArgumentException("not a RESP big number: \"" + big.digits() + "\"");
            }
            writeAsciiLine(out, '(', big.digits());
        } else if (frame instanceof ValkeyFrame.BulkError bulkError) {
            writeBlob(out, '!', bulkError.message());
        } else if (frame instanceof ValkeyFrame.VerbatimString verbatim) {
            writeVerbatim(out, verbatim);
        } else if (frame instanceof ValkeyFrame.Map map) {
            writeAggregate(out, '%', map.keysAndValues().size() / 2, map.keysAndValues());
        } else if (frame instanceof ValkeyFrame.Set set) {
            writeAggregate(out, '~', set.elements().size(), set.elements());
        } else if (frame instanceof ValkeyFrame.Push push) {
            writeAggregate(out, '>', push.elements().size(), push.elements());
        } else if (frame instanceof ValkeyFrame.Attribute attribute) {
            List<ValkeyFrame> keysAndValues = attribute.keysAndValues();
            if (keysAndValues.size() % 2 != 0) {
                throw new IllegalArgumentException("an attribute needs an even number of keys and values, got "
                        + keysAndValues.size());
            }
            writeAggregate(out, '|', keysAndValues.size() / 2, keysAndValues);
            encode(attribute.reply(), out);
        } else {
            throw new IllegalArgumentException("unknown frame type " + frame.getClass().getName());
        }
    }

    /**
     * Encodes {@code frame} into a new buffer from {@code alloc}. The caller owns the returned buffer; nothing is
     * leaked when encoding fails.
     */
    public static ByteBuf encode(ValkeyFrame frame, ByteBufAllocator alloc) {
        ByteBuf out = alloc.ioBuffer();
        try {
            encode(frame, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The type byte {@code frame} is written with, e.g. {@code '>'} for a push, {@code '|'} for an attribute. */
    public static byte typeByte(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.BulkString || frame instanceof ValkeyFrame.NullBulkString) {
            return '$';
        } else if (frame instanceof ValkeyFrame.Array || frame instanceof ValkeyFrame.NullArray) {
            return '*';
        } else if (frame instanceof ValkeyFrame.SimpleString) {
            return '+';
        } else if (frame instanceof ValkeyFrame.Integer) {
            return ':';
        } else if (frame instanceof ValkeyFrame.Error) {
            return '-';
        } else if (frame instanceof ValkeyFrame.Null) {
            return '_';
        } else if (frame instanceof ValkeyFrame.Double) {
            return ',';
        } else if (frame instanceof ValkeyFrame.Boolean) {
            return '#';
        } else if (frame instanceof ValkeyFrame.BigNumber) {
            return '(';
        } else if (frame instanceof ValkeyFrame.BulkError) {
            return '!';
        } else if (frame instanceof ValkeyFrame.VerbatimString) {
            return '=';
        } else if (frame instanceof ValkeyFrame.Map) {
            return '%';
        } else if (frame instanceof ValkeyFrame.Set) {
            return '~';
        } else if (frame instanceof ValkeyFrame.Push) {
            return '>';
        } else if (frame instanceof ValkeyFrame.Attribute) {
            return '|';
        }
        throw new IllegalArgumentException("unknown frame type " + frame.getClass().getName());
    }

    private static void writeAggregate(ByteBuf out, char type, int count, List<ValkeyFrame> values) {
        out.writeByte(type);
        writeDecimal(out, count);
        out.writeShort(CRLF);
        for (ValkeyFrame value : values) {
            encode(value, out);
        }
    }

    private static void writeBlob(ByteBuf out, char type, byte[] data) {
        out.writeByte(type);
        writeDecimal(out, data.length);
        out.writeShort(CRLF);
        out.writeBytes(data);
        out.writeShort(CRLF);
    }

    private static void writeVerbatim(ByteBuf out, ValkeyFrame.VerbatimString verbatim) {
        String format = verbatim.format();
        if (format.length() != 3 || format.chars().anyMatch(c -> c > 0xff || c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("a verbatim string format must be 3 ISO-8859-1 characters, got \""
                    + format + "\"");
        }
        out.writeByte('=');
        writeDecimal(out, 4L + verbatim.data().length);
        out.writeShort(CRLF);
        out.writeCharSequence(format, StandardCharsets.ISO_8859_1);
        out.writeByte(':');
        out.writeBytes(verbatim.data());
        out.writeShort(CRLF);
    }

    /** A simple string or error: UTF-8, and CR or LF would end the line early, so they are refused. */
    private static void writeTextLine(ByteBuf out, char type, String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a RESP " + (type == '+' ? "simple string" : "error")
                    + " cannot contain CR or LF: \"" + text + "\"");
        }
        out.writeByte(type);
        ByteBufUtil.writeUtf8(out, text);
        out.writeShort(CRLF);
    }

    private static void writeAsciiLine(ByteBuf out, char type, String text) {
        out.writeByte(type);
        ByteBufUtil.writeAscii(out, text);
        out.writeShort(CRLF);
    }

    /** Writes the decimal digits of {@code value} without allocating a String. */
    static void writeDecimal(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            ByteBufUtil.writeAscii(out, Long.toString(value));
            return;
        }
        if (value < 0) {
            out.writeByte('-');
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        out.ensureWritable(digits);
        int index = out.writerIndex() + digits;
        for (int i = 0; i < digits; i++) {
            out.setByte(--index, (int) ('0' + value % 10));
            value /= 10;
        }
        out.writerIndex(out.writerIndex() + digits);
    }
}
