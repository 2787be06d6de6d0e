package dev.shotover.protocols.kafka;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Reads a Kafka message body straight from a {@link ByteBuf}, whatever its layout (a composite of read buffers
 * included), for kafka-clients' generated {@code read} methods; record sets are skipped and read as empty.
 *
 * <p>It exists so that the sink can look at the few non-record fields of a large data response (the new-leader
 * endpoints of a Fetch response) without copying it: a {@link java.nio.ByteBuffer} view of a composite buffer is a
 * copy of the whole message. Other variable-length fields (strings, bytes, unknown tagged fields) are copied out,
 * as kafka-clients does.
 *
 * <p>Advances the reader index of the buffer it was given (callers pass a slice). Not thread-safe.
 */
final class RecordSkippingReadable implements Readable {
    private final ByteBuf in;

    RecordSkippingReadable(ByteBuf in) {
        this.in = in;
    }

    @Override
    public byte readByte() {
        return in.readByte();
    }

    @Override
    public short readShort() {
        return in.readShort();
    }

    @Override
    public int readInt() {
        return in.readInt();
    }

    @Override
    public long readLong() {
        return in.readLong();
    }

    @Override
    public double readDouble() {
        return in.readDouble();
    }

    @Override
    public byte[] readArray(int length) {
        requireAvailable(length);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    @Override
    public int readUnsignedVarint() {
        return Varints.readUnsigned(this);
    }

    @Override
    public ByteBuffer readByteBuffer(int length) {
        return ByteBuffer.wrap(readArray(length));
    }

    @Override
    public int readVarint() {
        return Varints.readSigned(this);
    }

    @Override
    public long readVarlong() {
        return Varints.readSignedLong(this);
    }

    @Override
    public int remaining() {
        return in.readableBytes();
    }

    @Override
    public Readable slice() {
        return new RecordSkippingReadable(in.slice());
    }

    /** Skips the record set: the caller looks at everything but the records. Null stays null. */
    @Override
    public MemoryRecords readRecords(int length) {
        if (length < 0) {
            return null;
        }
        requireAvailable(length);
        in.skipBytes(length);
        return MemoryRecords.EMPTY;
    }

    private void requireAvailable(int length) {
        if (length < 0 || length > in.readableBytes()) {
            throw new IllegalArgumentException("a field of " + length + " bytes where " + in.readableBytes()
                    + " bytes are left");
        }
    }
}
