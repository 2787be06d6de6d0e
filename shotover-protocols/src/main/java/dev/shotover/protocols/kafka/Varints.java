package dev.shotover.protocols.kafka;

import org.apache.kafka.common.protocol.Readable;

/** The Kafka protocol's variable-length integers, read byte by byte from our own {@link Readable}s. */
final class Varints {
    private Varints() {
    }

    static int readUnsigned(Readable in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.readByte();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint is too long: the most significant bit of its 5th byte is set");
    }

    /** A zig-zag encoded int. */
    static int readSigned(Readable in) {
        int raw = readUnsigned(in);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A zig-zag encoded long. */
    static long readSignedLong(Readable in) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = in.readByte();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IllegalArgumentException("varlong is too long: the most significant bit of its 10th byte is set");
    }
}
