package dev.shotover.api.cassandra;

import java.nio.ByteBuffer;

/**
 * Cassandra's variable-length integers (used by {@code duration} values and vector element lengths). Not LEB128:
 * the number of leading 1 bits of the first byte says how many bytes follow, the remaining bits of the first byte
 * and the following bytes hold the value big-endian; 9 bytes (first byte {@code 0xFF}) hold any 64-bit value.
 * Signed values are zig-zag encoded first so that small negative numbers stay short.
 *
 * <p>Stateless; safe from any thread.
 */
final class VInts {
    private VInts() {
    }

    static long readUnsigned(ByteBuffer b) {
        int first = b.get() & 0xFF;
        int extraBytes = Integer.numberOfLeadingZeros(~first & 0xFF) - 24;
        long value = first & (0xFF >>> (extraBytes + 1));
        for (int i = 0; i < extraBytes; i++) {
            value = (value << 8) | (b.get() & 0xFF);
        }
        return value;
    }

    static long readSigned(ByteBuffer b) {
        long zigzag = readUnsigned(b);
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    static void writeUnsigned(long value, CqlValues.Output out) {
        int extraBytes = 0;
        // each extra byte adds 8 value bits but takes one from the first byte: n extra bytes hold 7n + 7 bits
        while (extraBytes < 8 && (value >>> (7 * (extraBytes + 1))) != 0) {
            extraBytes++;
        }
        int prefix = (0xFF00 >>> extraBytes) & 0xFF;
        long firstBits = extraBytes == 8 ? 0 : value >>> (8 * extraBytes);
        out.writeByte(prefix | (int) firstBits);
        for (int shift = 8 * (extraBytes - 1); shift >= 0; shift -= 8) {
            out.writeByte((int) (value >>> shift));
        }
    }

    static void writeSigned(long value, CqlValues.Output out) {
        writeUnsigned((value << 1) ^ (value >> 63), out);
    }
}
