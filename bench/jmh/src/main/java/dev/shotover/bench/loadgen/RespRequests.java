package dev.shotover.bench.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The requests a load run sends, encoded once up front so that sending costs a buffer duplicate and no encoding:
 * one {@code GET} or {@code SET} command per key of a fixed key space, and the {@code SET}s that fill the key space
 * before a {@code GET} run (so that every {@code GET} returns a value of the configured size, like a cache hit).
 *
 * <p><b>Buffers.</b> The encoded commands are owned by this object until {@link #release()}. {@link #command(int)}
 * returns a retained duplicate, whose one reference passes to whoever writes it to a channel. Thread-safe: the
 * shared buffers are never modified after construction, and each caller gets its own duplicate.
 */
public final class RespRequests {
    private final Operation operation;
    private final ByteBuf[] commands;
    private final ByteBuf[] fills;

    /** What each request does. */
    public enum Operation {
        GET, SET;

        /** {@return the operation named {@code name}, case-insensitively} */
        public static Operation parse(String name) {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * @param operation what each request does
     * @param keys      how many distinct keys the requests cycle through
     * @param valueSize the size in bytes of the values written (by {@code SET}, and by the fill before {@code GET})
     */
    public RespRequests(Operation operation, int keys, int valueSize) {
        if (keys < 1 || valueSize < 0) {
            throw new IllegalArgumentException("need at least one key and a non-negative value size");
        }
        this.operation = operation;
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'v');
        commands = new ByteBuf[keys];
        fills = new ByteBuf[keys];
        for (int i = 0; i < keys; i++) {
            byte[] key = key(i);
            fills[i] = encode(bytes("SET"), key, value);
            commands[i] = operation == Operation.SET ? fills[i].retainedDuplicate() : encode(bytes("GET"), key);
        }
    }

    /** {@return the operation every measured request performs} */
    public Operation operation() {
        return operation;
    }

    /** {@return how many keys the requests cycle through} */
    public int keys() {
        return commands.length;
    }

    /** {@return the measured request for key {@code index}, as a retained duplicate the caller now owns} */
    public ByteBuf command(int index) {
        return commands[index].retainedDuplicate();
    }

    /** {@return a {@code SET} of key {@code index} to a value of the configured size, owned by the caller} */
    public ByteBuf fill(int index) {
        return fills[index].retainedDuplicate();
    }

    /** {@return whether the key space must be filled before measuring} Only {@code GET}s read what was written. */
    public boolean needsFill() {
        return operation == Operation.GET;
    }

    /** Releases the encoded commands. */
    public void release() {
        for (int i = 0; i < commands.length; i++) {
            commands[i].release();
            fills[i].release();
        }
    }

    static byte[] key(int index) {
        return bytes(String.format("bench:key:%08d", index));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A RESP array of bulk strings: the form every client library sends commands in. */
    static ByteBuf encode(byte[]... arguments) {
        int size = 16;
        for (byte[] argument : arguments) {
            size += argument.length + 16;
        }
        ByteBuf out = Unpooled.directBuffer(size);
        writeHeader(out, '*', arguments.length);
        for (byte[] argument : arguments) {
            writeHeader(out, '$', argument.length);
            out.writeBytes(argument);
            out.writeByte('\r').writeByte('\n');
        }
        return out;
    }

    private static void writeHeader(ByteBuf out, char type, int length) {
        out.writeByte(type);
        out.writeCharSequence(Integer.toString(length), StandardCharsets.US_ASCII);
        out.writeByte('\r').writeByte('\n');
    }
}
