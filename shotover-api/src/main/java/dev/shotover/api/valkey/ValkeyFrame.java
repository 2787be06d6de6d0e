package dev.shotover.api.valkey;

import dev.shotover.api.Frame;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Valkey/Redis RESP message: every RESP2 type, and the RESP3 types a server sends after {@code HELLO 3}.
 * Each variant keeps exactly what is needed to write the same bytes back.
 *
 * <p>Immutable values (byte arrays are never modified after construction); safe to share between threads.
 */
public sealed interface ValkeyFrame extends Frame {

    @Override
    default Protocol protocol() {
        return Protocol.VALKEY;
    }

    /**
     * Shotover's read/write classification: a command array whose name is one of {@link #READ_COMMANDS} is a
     * read; every other message is a write.
     */
    @Override
    default QueryType queryType() {
        String command = commandName();
        return command != null && READ_COMMANDS.contains(command) ? QueryType.READ : QueryType.WRITE;
    }

    /** {@return the upper-cased command name when this is a command array of strings, else null} */
    default String commandName() {
        if (this instanceof Array array && !array.elements().isEmpty()) {
            ValkeyFrame first = array.elements().get(0);
            if (first instanceof BulkString bulk) {
                return bulk.asString().toUpperCase(Locale.ROOT);
            }
            if (first instanceof SimpleString simple) {
                return simple.value().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The commands Shotover classifies as reads (APPEND is an upstream quirk kept for compatibility). */
    java.util.Set<String> READ_COMMANDS = java.util.Set.of("APPEND", "BITCOUNT", "STRLEN", "GET", "GETRANGE", "MGET", "LRANGE", "LINDEX",
            "LLEN", "SCARD", "SISMEMBER", "SMEMBERS", "SUNION", "SINTER", "ZCARD", "ZCOUNT", "ZRANGE", "ZRANK",
            "ZSCORE", "ZRANGEBYSCORE", "HGET", "HGETALL", "HEXISTS", "HKEYS", "HLEN", "HSTRLEN", "HVALS", "PFCOUNT");

    // ---- RESP2 ----

    /** {@code +OK}. */
    record SimpleString(String value) implements ValkeyFrame {
    }

    /** {@code -ERR message}: the text after the dash, including the error code. */
    record Error(String message) implements ValkeyFrame {
    }

    /** {@code :42}. */
    record Integer(long value) implements ValkeyFrame {
    }

    /** {@code $3\r\nfoo}: binary-safe. */
    record BulkString(byte[] value) implements ValkeyFrame {
        /** {@return the value decoded as UTF-8} */
        public String asString() {
            return new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BulkString other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "BulkString[" + printable(value) + "]";
        }
    }

    /** {@code *2\r\n...}. */
    record Array(List<ValkeyFrame> elements) implements ValkeyFrame {
        /**
         * Keeps an immutable copy.
         *
         * @param elements the elements, in order
         */
        public Array {
            elements = List.copyOf(elements);
        }
    }

    /** {@code $-1}: the RESP2 null reply. */
    record NullBulkString() implements ValkeyFrame {
    }

    /** {@code *-1}: the RESP2 null array (e.g. EXEC after a failed WATCH). */
    record NullArray() implements ValkeyFrame {
    }

    // ---- RESP3 ----

    /** {@code _}. */
    record Null() implements ValkeyFrame {
    }

    /** {@code ,3.14}: kept as its text ({@code inf}, {@code -inf}, {@code nan} included) so it re-encodes exactly. */
    record Double(String text) implements ValkeyFrame {
    }

    /** {@code #t} / {@code #f}. */
    record Boolean(boolean value) implements ValkeyFrame {
    }

    /** {@code (3492890328409238509324850943850943825024385}. */
    record BigNumber(String digits) implements ValkeyFrame {
    }

    /** {@code !21\r\nSYNTAX invalid syntax}. */
    record BulkError(byte[] message) implements ValkeyFrame {
        @Override
        public boolean equals(Object o) {
            return o instanceof BulkError other && Arrays.equals(message, other.message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "BulkError[" + printable(message) + "]";
        }
    }

    /** {@code =15\r\ntxt:Some string}: a three-letter format and the data. */
    record VerbatimString(String format, byte[] data) implements ValkeyFrame {
        @Override
        public boolean equals(Object o) {
            return o instanceof VerbatimString other && format.equals(other.format) && Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return format.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "VerbatimString[" + format + ":" + printable(data) + "]";
        }
    }

    /** {@code %2\r\n...}: keys and values alternate in {@code keysAndValues}, in wire order. */
    record Map(List<ValkeyFrame> keysAndValues) implements ValkeyFrame {
        /**
         * Keeps an immutable copy.
         *
         * @param keysAndValues keys and values, alternating
         * @throws IllegalArgumentException if the number of elements is odd
         */
        public Map {
            keysAndValues = List.copyOf(keysAndValues);
            if (keysAndValues.size() % 2 != 0) {
                throw new IllegalArgumentException("a map needs an even number of elements");
            }
        }
    }

    /** {@code ~3\r\n...}. */
    record Set(List<ValkeyFrame> elements) implements ValkeyFrame {
        /**
         * Keeps an immutable copy.
         *
         * @param elements the elements, in wire order
         */
        public Set {
            elements = List.copyOf(elements);
        }
    }

    /** {@code >3\r\n...}: an out-of-band push (pub/sub message, client-tracking invalidation). */
    record Push(List<ValkeyFrame> elements) implements ValkeyFrame {
        /**
         * Keeps an immutable copy.
         *
         * @param elements the elements, in order (the first names the kind of push)
         */
        public Push {
            elements = List.copyOf(elements);
        }
    }

    /** {@code |1\r\n...} attributes followed by the reply they describe; together they form one message. */
    record Attribute(List<ValkeyFrame> keysAndValues, ValkeyFrame reply) implements ValkeyFrame {
        /**
         * Keeps an immutable copy of the attributes.
         *
         * @param keysAndValues attribute keys and values, alternating
         * @param reply         the reply they describe
         */
        public Attribute {
            keysAndValues = List.copyOf(keysAndValues);
        }
    }

    // ---- helpers ----

    /**
     * {@return a command as clients send it: an array of bulk strings}
     *
     * @param parts the command name and its arguments, encoded as UTF-8
     */
    static Array command(String... parts) {
        List<ValkeyFrame> elements = new ArrayList<>(parts.length);
        for (String part : parts) {
            elements.add(bulk(part));
        }
        return new Array(elements);
    }

    /**
     * {@return a bulk string holding {@code value} as UTF-8}
     *
     * @param value the text
     */
    static BulkString bulk(String value) {
        return new BulkString(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return an error reply; {@code message} includes the code, e.g. {@code "ERR unknown command"}}
     *
     * @param message the error text, code first
     */
    static Error error(String message) {
        return new Error(message);
    }

    /** {@return the {@code +OK} reply} */
    static SimpleString ok() {
        return new SimpleString("OK");
    }

    /** {@return true for error replies, RESP2 or RESP3} */
    default boolean isError() {
        return this instanceof Error || this instanceof BulkError;
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        int limit = Math.min(bytes.length, 200);
        for (int i = 0; i < limit; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        if (bytes.length > limit) {
            sb.append("...(").append(bytes.length).append(" bytes)");
        }
        return sb.toString();
    }
}
