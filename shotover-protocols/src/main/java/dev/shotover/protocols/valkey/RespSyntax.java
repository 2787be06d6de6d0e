package dev.shotover.protocols.valkey;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The lexical rules of RESP shared by the scanner (which only validates) and the parser (which also builds frames),
 * so both accept exactly the same bytes and report the same errors.
 *
 * <p>All indexes are absolute buffer indexes; {@code base} is the index of the message's first byte and is only used
 * to report offsets relative to the message.
 */
final class RespSyntax {
    static final byte CR = '\r';
    static final byte LF = '\n';

    /** Largest element count of an aggregate: a map or attribute of this many pairs still counts in an int. */
    static final int MAX_AGGREGATE_LENGTH = Integer.MAX_VALUE / 2;

    /** Longest length header we parse: more digits cannot be a valid length anyway. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private RespSyntax() {
    }

    /** The kinds of value a type byte introduces. */
    enum Shape {
        /** A single line: {@code + - : _ , # (}. */
        LINE,
        /** A length header followed by that many bytes and CRLF: {@code $ ! =}. */
        BLOB,
        /** A count header followed by that many values: {@code * % ~ > |}. */
        AGGREGATE
    }

    /** The shape of a type byte, or null when it is not a RESP type byte (e.g. an inline command). */
    static Shape shapeOf(byte type) {
        switch (type) {
            case '+':
            case '-':
            case ':':
            case '_':
            case ',':
            case '#':
            case '(':
                return Shape.LINE;
            case '$':
            case '!':
            case '=':
                return Shape.BLOB;
            case '*':
            case '%':
            case '~':
            case '>':
            case '|':
                return Shape.AGGREGATE;
            default:
                return null;
        }
    }

    /** How many values follow an aggregate header announcing {@code count}: maps pair up, attributes add the reply. */
    static int childCount(byte type, long count) {
        switch (type) {
            case '%':
                return (int) (count * 2);
            case '|':
                return (int) (count * 2 + 1);
            default:
                return (int) count;
        }
    }

    static RespDecodeException invalidTypeByte(byte type, long offset) {
        return new RespDecodeException("invalid type byte " + describe(type), offset);
    }

    /**
     * Parses the count or length of an aggregate or blob header whose digits are {@code [from, to)}. Returns -1 only
     * for the RESP2 nulls {@code $-1} and {@code *-1}; enforces the bulk and aggregate maxima.
     */
    static long parseLength(ByteBuf buf, int base, int from, int to, byte type, int maxBulkLength) {
        long headerOffset = from - 1L - base;
        if (from == to) {
            throw new RespDecodeException("empty length in a " + quoteType(type) + " header", headerOffset);
        }
        boolean negative = buf.getByte(from) == '-';
        int digitsFrom = negative ? from + 1 : from;
        if (digitsFrom == to) {
            throw new RespDecodeException("empty length in a " + quoteType(type) + " header", headerOffset);
        }
        if (to - digitsFrom > MAX_LENGTH_DIGITS) {
            throw new RespDecodeException("length " + quote(buf, from, to) + " out of range in a " + quoteType(type)
                    + " header", headerOffset);
        }
        long value = 0;
        for (int i = digitsFrom; i < to; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                throw new RespDecodeException("non-digit " + describe(b) + " in the length of a " + quoteType(type)
                        + " header", i - (long) base);
            }
            value = value * 10 + (b - '0');
        }
        if (negative) {
            boolean nullable = type == '$' || type == '*';
            if (value == 1 && nullable) {
                return -1;
            }
            throw new RespDecodeException("negative length -" + value + " in a " + quoteType(type) + " header"
                    + (nullable ? " (only -1, the null, is allowed)" : ""), headerOffset);
        }
        if (shapeOf(type) == Shape.BLOB) {
            if (value > maxBulkLength) {
                throw new RespDecodeException("bulk length " + value + " in a " + quoteType(type)
                        + " header exceeds the maximum of " + maxBulkLength + " bytes", headerOffset);
            }
            if (type == '=' && value < 4) {
                throw new RespDecodeException("verbatim string length " + value
                        + " is shorter than its 4-byte format prefix", headerOffset);
            }
        } else if (value > MAX_AGGREGATE_LENGTH) {
            throw new RespDecodeException("aggregate length " + value + " in a " + quoteType(type)
                    + " header exceeds the maximum of " + MAX_AGGREGATE_LENGTH + " elements", headerOffset);
        }
        return value;
    }

    /**
     * Checks the content {@code [from, to)} of a single-line value of {@code type}. Simple strings and errors accept
     * any content (CR and LF were already excluded by the line search).
     */
    static void checkLine(ByteBuf buf, int base, int from, int to, byte type) {
        switch (type) {
            case ':':
                if (!isSignedLong(buf, from, to)) {
                    throw new RespDecodeException("invalid integer " + quote(buf, from, to), from - 1L - base);
                }
                return;
            case '_':
                if (from != to) {
                    throw new RespDecodeException("invalid null " + quote(buf, from, to) + ", expected nothing before CRLF",
                            from - 1L - base);
                }
                return;
            case '#':
                if (to - from != 1 || (buf.getByte(from) != 't' && buf.getByte(from) != 'f')) {
                    throw new RespDecodeException("invalid boolean " + quote(buf, from, to) + ", expected t or f",
                            from - 1L - base);
                }
                return;
            case ',':
                if (!isDouble(buf, from, to)) {
                    throw new RespDecodeException("invalid double " + quote(buf, from, to), from - 1L - base);
                }
                return;
            case '(':
                if (!isBigNumber(buf, from, to)) {
                    throw new RespDecodeException("invalid big number " + quote(buf, from, to), from - 1L - base);
                }
                return;
            default:
                // simple strings and errors: any byte but CR and LF
                break;
        }
    }

    /** The value of a {@code :} line that {@link #checkLine} accepted. */
    static long integerValue(ByteBuf buf, int from, int to) {
        int i = from;
        boolean negative = buf.getByte(i) == '-';
        if (negative || buf.getByte(i) == '+') {
            i++;
        }
        long value = 0;
        for (; i < to; i++) {
            // Accumulate negatively so that Long.MIN_VALUE, validated earlier, does not overflow.
            value = value * 10 - (buf.getByte(i) - '0');
        }
        return negative ? value : -value;
    }

    /**
     * True when {@code [from, to)} is an optionally signed decimal that fits in a long. Accumulates negatively so
     * that {@link Long#MIN_VALUE} is accepted.
     */
    static boolean isSignedLong(ByteBuf buf, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to) {
            byte sign = buf.getByte(i);
            if (sign == '-' || sign == '+') {
                negative = sign == '-';
                i++;
            }
        }
        if (i == to) {
            return false;
        }
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multiplyMin = limit / 10;
        long value = 0;
        for (; i < to; i++) {
            int digit = buf.getByte(i) - '0';
            if (digit < 0 || digit > 9 || value < multiplyMin) {
                return false;
            }
            value *= 10;
            if (value < limit + digit) {
                return false;
            }
            value -= digit;
        }
        return true;
    }

    /**
     * RESP3 doubles: {@code inf}, {@code -inf}, {@code nan} or a decimal with optional fraction and exponent.
     * Deliberately a little more lenient than the spec ({@code .5}, {@code 5.}) so that a real server's formatting
     * never closes a connection.
     */
    static boolean isDouble(ByteBuf buf, int from, int to) {
        int i = from;
        if (i < to && (buf.getByte(i) == '-' || buf.getByte(i) == '+')) {
            i++;
        }
        if (to - i == 3 && (matchesIgnoreCase(buf, i, "inf") || matchesIgnoreCase(buf, i, "nan"))) {
            return true;
        }
        int mantissaDigits = 0;
        while (i < to && isDigit(buf.getByte(i))) {
            i++;
            mantissaDigits++;
        }
        if (i < to && buf.getByte(i) == '.') {
            i++;
            while (i < to && isDigit(buf.getByte(i))) {
                i++;
                mantissaDigits++;
            }
        }
        if (mantissaDigits == 0) {
            return false;
        }
        if (i < to && (buf.getByte(i) == 'e' || buf.getByte(i) == 'E')) {
            i++;
            if (i < to && (buf.getByte(i) == '-' || buf.getByte(i) == '+')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < to && isDigit(buf.getByte(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == to;
    }

    static boolean isDouble(String text) {
        return isAscii(text) && isDouble(asciiBuffer(text), 0, text.length());
    }

    /** RESP3 big numbers: an optionally signed run of decimal digits. */
    static boolean isBigNumber(ByteBuf buf, int from, int to) {
        int i = from;
        if (i < to && (buf.getByte(i) == '-' || buf.getByte(i) == '+')) {
            i++;
        }
        if (i == to) {
            return false;
        }
        for (; i < to; i++) {
            if (!isDigit(buf.getByte(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isBigNumber(String text) {
        return isAscii(text) && isBigNumber(asciiBuffer(text), 0, text.length());
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** An unpooled heap buffer: nothing to release. */
    private static ByteBuf asciiBuffer(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean matchesIgnoreCase(ByteBuf buf, int index, String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            if (Character.toLowerCase((char) buf.getByte(index + k)) != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Checks the CRLF that must follow a blob's data at {@code index}. */
    static void expectCrlfAfterBlob(ByteBuf buf, int base, int index) {
        byte first = buf.getByte(index);
        byte second = buf.getByte(index + 1);
        if (first != CR || second != LF) {
            throw new RespDecodeException("missing CRLF after bulk data, found " + describe(first) + " "
                    + describe(second), index - (long) base);
        }
    }

    /** Checks that a verbatim string's data starting at {@code dataIndex} has a 3-byte format and a colon. */
    static void expectVerbatimColon(ByteBuf buf, int base, int dataIndex) {
        byte colon = buf.getByte(dataIndex + 3);
        if (colon != ':') {
            throw new RespDecodeException("invalid verbatim string: expected ':' after the 3-byte format, found "
                    + describe(colon), dataIndex + 3L - base);
        }
    }

    /** {@code 0x69 ('i')} for printable bytes, {@code 0x0d} otherwise. */
    static String describe(byte b) {
        int unsigned = b & 0xff;
        String hex = String.format("0x%02x", unsigned);
        return unsigned >= 0x20 && unsigned < 0x7f ? hex + " ('" + (char) unsigned + "')" : hex;
    }

    static String quoteType(byte type) {
        return "'" + (char) (type & 0xff) + "'";
    }

    /** The bytes {@code [from, to)} in double quotes, escaped and cut at 40 bytes, for error messages. */
    static String quote(ByteBuf buf, int from, int to) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(to, from + 40);
        for (int i = from; i < limit; i++) {
            int b = buf.getByte(i) & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        if (to > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
