package dev.shotover.protocols.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads the head of a Valkey message (the element count of an array or push, and the text of its first element)
 * straight from its raw bytes, without parsing the rest. Sinks and transforms use it on every request or reply to
 * pick out the few they care about (SUBSCRIBE, CLUSTER, a pub/sub {@code message}) without paying for a parse of the
 * many they do not.
 *
 * <p>A generated or modified message has no raw bytes; its frame is looked at instead, with the same results.
 *
 * <p>Stateless and thread-safe; the message itself belongs to one event loop. Nothing is retained or released, and
 * the reader index is never moved.
 */
public final class RespPeek {
    private RespPeek() {
    }

    /**
     * {@return the number of elements of an array ({@code *}) or push ({@code >}) message, or -1 for any other
     * message (including the null array and attribute-prefixed replies)}
     *
     * @param message a Valkey message
     */
    public static int elementCount(Message message) {
        ByteBuf raw = requireValkey(message).rawBytes();
        if (raw == null) {
            List<ValkeyFrame> elements = elements(message.frame(ValkeyFrame.class));
            return elements == null ? -1 : elements.size();
        }
        int base = raw.readerIndex();
        byte type = raw.getByte(base);
        if (type != '*' && type != '>') {
            return -1;
        }
        int cr = raw.indexOf(base + 1, raw.writerIndex(), RespSyntax.CR);
        if (cr < 0) {
            return -1;
        }
        return parseCount(raw, base + 1, cr);
    }

    /**
     * {@return the index in {@code candidates} of the first element of an array or push message, compared without
     * regard to ASCII case, or -1 when it matches none or the message has no string first element} Allocates
     * nothing for raw messages, so it is cheap enough for every message of a connection.
     *
     * @param message    a Valkey message
     * @param candidates upper-case ASCII names, e.g. {@code {"SUBSCRIBE", "RESET"}}
     */
    public static int firstElementIndex(Message message, byte[][] candidates) {
        ByteBuf raw = requireValkey(message).rawBytes();
        if (raw == null) {
            String first = firstElementFromFrame(message.frame(ValkeyFrame.class));
            if (first == null) {
                return -1;
            }
            byte[] upper = first.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < candidates.length; i++) {
                if (java.util.Arrays.equals(upper, candidates[i])) {
                    return i;
                }
            }
            return -1;
        }
        long range = firstElementRange(raw);
        if (range < 0) {
            return -1;
        }
        int from = (int) (range >>> 32);
        int length = (int) range;
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i].length == length && equalsIgnoreAsciiCase(raw, from, candidates[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@return the first element of an array or push message as upper-case text, or null when the message is not an
     * array or push of which the first element is a string} Allocates the returned string.
     *
     * @param message a Valkey message
     */
    public static String firstElement(Message message) {
        ByteBuf raw = requireValkey(message).rawBytes();
        if (raw == null) {
            String first = firstElementFromFrame(message.frame(ValkeyFrame.class));
            return first == null ? null : first.toUpperCase(Locale.ROOT);
        }
        long range = firstElementRange(raw);
        if (range < 0) {
            return null;
        }
        return raw.toString((int) (range >>> 32), (int) range, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    /**
     * Where the first element's text lies in a raw array or push: {@code from << 32 | length}, or -1 when the message
     * is something else or its first element is not a bulk or simple string.
     */
    private static long firstElementRange(ByteBuf raw) {
        int base = raw.readerIndex();
        int end = raw.writerIndex();
        byte type = raw.getByte(base);
        if (type != '*' && type != '>') {
            return -1;
        }
        int cr = raw.indexOf(base + 1, end, RespSyntax.CR);
        if (cr < 0 || parseCount(raw, base + 1, cr) < 1) {
            return -1;
        }
        int element = cr + 2;
        if (element >= end) {
            return -1;
        }
        byte elementType = raw.getByte(element);
        int lineEnd = raw.indexOf(element + 1, end, RespSyntax.CR);
        if (lineEnd < 0) {
            return -1;
        }
        if (elementType == '+') {
            return ((long) (element + 1) << 32) | (lineEnd - element - 1);
        }
        if (elementType != '$') {
            return -1;
        }
        int length = parseCount(raw, element + 1, lineEnd);
        int from = lineEnd + 2;
        if (length < 0 || from + length > end) {
            return -1;
        }
        return ((long) from << 32) | length;
    }

    /**
     * {@return the non-negative decimal in {@code [from, to)} of {@code raw} (a RESP count or length), or -1 when it
     * is not one (or too large to matter)}
     */
    public static int parseCount(ByteBuf raw, int from, int to) {
        if (from == to || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            byte b = raw.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /** {@return true when the bytes of {@code raw} at {@code from} are {@code upper}, ignoring ASCII case} */
    public static boolean equalsIgnoreAsciiCase(ByteBuf raw, int from, byte[] upper) {
        for (int i = 0; i < upper.length; i++) {
            byte b = raw.getByte(from + i);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upper[i]) {
                return false;
            }
        }
        return true;
    }

    private static List<ValkeyFrame> elements(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.Array array) {
            return array.elements();
        }
        if (frame instanceof ValkeyFrame.Push push) {
            return push.elements();
        }
        return null;
    }

    private static String firstElementFromFrame(ValkeyFrame frame) {
        List<ValkeyFrame> elements = elements(frame);
        if (elements == null || elements.isEmpty()) {
            return null;
        }
        ValkeyFrame first = elements.get(0);
        if (first instanceof ValkeyFrame.BulkString bulk) {
            return bulk.asString();
        }
        if (first instanceof ValkeyFrame.SimpleString simple) {
            return simple.value();
        }
        return null;
    }

    private static Message requireValkey(Message message) {
        if (message.protocol() != Protocol.VALKEY) {
            throw new IllegalArgumentException("not a Valkey message: " + message);
        }
        return message;
    }

    /**
     * {@return upper-case ASCII names as the byte arrays {@link #firstElementIndex} compares with}
     *
     * @param names the names
     */
    public static byte[][] names(String... names) {
        byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
