package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.PrimitiveCodec;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The CQL primitive types ([int], [string], [bytes], [inetaddr]...) over Netty buffers, for native-protocol's
 * {@code FrameCodec}.
 *
 * <p>Reads advance the reader index; writes append at the writer index. Everything decoded is copied out of the
 * buffer ({@code [bytes]} become heap {@link ByteBuffer}s), because a decoded frame outlives the network buffer it
 * came from. {@code [bytes]} of length -2 decode to {@link ProtocolConstants#UNSET_VALUE} and encode back to -2, so
 * an unset bound value survives a decode/encode round trip (reading it as null would turn it into a tombstone).
 *
 * <p>Stateless apart from the allocator; safe from any thread.
 */
final class CqlPrimitiveCodec implements PrimitiveCodec<ByteBuf> {
    private final ByteBufAllocator alloc;

    CqlPrimitiveCodec(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public ByteBuf allocate(int size) {
        return alloc.buffer(size, size);
    }

    @Override
    public void release(ByteBuf buffer) {
        buffer.release();
    }

    @Override
    public int sizeOf(ByteBuf buffer) {
        return buffer.readableBytes();
    }

    @Override
    public ByteBuf concat(ByteBuf left, ByteBuf right) {
        CompositeByteBuf both = alloc.compositeBuffer(2);
        both.addComponents(true, left, right);
        return both;
    }

    @Override
    public void markReaderIndex(ByteBuf source) {
        source.markReaderIndex();
    }

    @Override
    public void resetReaderIndex(ByteBuf source) {
        source.resetReaderIndex();
    }

    @Override
    public byte readByte(ByteBuf source) {
        return source.readByte();
    }

    @Override
    public int readInt(ByteBuf source) {
        return source.readInt();
    }

    @Override
    public int readInt(ByteBuf source, int offset) {
        return source.getInt(source.readerIndex() + offset);
    }

    @Override
    public InetAddress readInetAddr(ByteBuf source) {
        int length = source.readUnsignedByte();
        byte[] address = new byte[length];
        source.readBytes(address);
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid [inetaddr] of " + length + " bytes", e);
        }
    }

    @Override
    public long readLong(ByteBuf source) {
        return source.readLong();
    }

    @Override
    public int readUnsignedShort(ByteBuf source) {
        return source.readUnsignedShort();
    }

    @Override
    public ByteBuffer readBytes(ByteBuf source) {
        int length = source.readInt();
        if (length < 0) {
            return length == -2 ? ProtocolConstants.UNSET_VALUE : null;
        }
        return ByteBuffer.wrap(readArray(source, length));
    }

    @Override
    public byte[] readShortBytes(ByteBuf source) {
        return readArray(source, source.readUnsignedShort());
    }

    @Override
    public String readString(ByteBuf source) {
        return readUtf8(source, source.readUnsignedShort());
    }

    @Override
    public String readLongString(ByteBuf source) {
        int length = source.readInt();
        if (length < 0) {
            throw new IllegalArgumentException("negative [long string] length " + length);
        }
        return readUtf8(source, length);
    }

    @Override
    public ByteBuf readRetainedSlice(ByteBuf source, int sliceLength) {
        return source.readRetainedSlice(sliceLength);
    }

    @Override
    public void updateCrc(ByteBuf source, CRC32 crc) {
        updateCrc32(source, crc);
    }

    /** Adds the readable bytes of {@code source} to {@code crc} without moving the reader index. */
    static void updateCrc32(ByteBuf source, CRC32 crc) {
        if (source.nioBufferCount() == 1) {
            crc.update(source.nioBuffer());
        } else {
            for (ByteBuffer part : source.nioBuffers()) {
                crc.update(part);
            }
        }
    }

    @Override
    public void writeByte(byte b, ByteBuf dest) {
        dest.writeByte(b);
    }

    @Override
    public void writeInt(int i, ByteBuf dest) {
        dest.writeInt(i);
    }

    @Override
    public void writeInetAddr(InetAddress address, ByteBuf dest) {
        byte[] bytes = address.getAddress();
        dest.writeByte(bytes.length);
        dest.writeBytes(bytes);
    }

    @Override
    public void writeLong(long l, ByteBuf dest) {
        dest.writeLong(l);
    }

    @Override
    public void writeUnsignedShort(int i, ByteBuf dest) {
        dest.writeShort(i);
    }

    @Override
    public void writeString(String s, ByteBuf dest) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        checkShortLength(utf8.length, "[string]");
        dest.writeShort(utf8.length);
        dest.writeBytes(utf8);
    }

    @Override
    public void writeLongString(String s, ByteBuf dest) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        dest.writeInt(utf8.length);
        dest.writeBytes(utf8);
    }

    @Override
    public void writeBytes(ByteBuffer bytes, ByteBuf dest) {
        if (bytes == null) {
            dest.writeInt(-1);
        } else if (bytes == ProtocolConstants.UNSET_VALUE) {
            dest.writeInt(-2);
        } else {
            dest.writeInt(bytes.remaining());
            dest.writeBytes(bytes.duplicate());
        }
    }

    @Override
    public void writeBytes(byte[] bytes, ByteBuf dest) {
        if (bytes == null) {
            dest.writeInt(-1);
        } else {
            dest.writeInt(bytes.length);
            dest.writeBytes(bytes);
        }
    }

    @Override
    public void writeShortBytes(byte[] bytes, ByteBuf dest) {
        checkShortLength(bytes.length, "[short bytes]");
        dest.writeShort(bytes.length);
        dest.writeBytes(bytes);
    }

    private static byte[] readArray(ByteBuf source, int length) {
        // check before allocating: a corrupt length must not allocate gigabytes
        checkReadable(source, length);
        byte[] bytes = new byte[length];
        source.readBytes(bytes);
        return bytes;
    }

    private static String readUtf8(ByteBuf source, int length) {
        checkReadable(source, length);
        String s = source.toString(source.readerIndex(), length, StandardCharsets.UTF_8);
        source.skipBytes(length);
        return s;
    }

    private static void checkReadable(ByteBuf source, int length) {
        if (length > source.readableBytes()) {
            throw new IndexOutOfBoundsException("a value of " + length + " bytes overruns the body ("
                    + source.readableBytes() + " bytes left)");
        }
    }

    private static void checkShortLength(int length, String type) {
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("a " + type + " holds at most 65535 bytes, not " + length);
        }
    }
}
