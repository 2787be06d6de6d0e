package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.util.Crc;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The framing of protocol v5 after the handshake: envelopes travel inside segments.
 *
 * <pre>
 * uncompressed: header 6 bytes = 3 little-endian bytes (payload length: 17 bits | self-contained: bit 17)
 *                                + CRC24 of those 3 bytes (little-endian)
 * LZ4:          header 8 bytes = 5 little-endian bytes (compressed length: 17 bits | uncompressed length: 17 bits |
 *                                self-contained: bit 34) + CRC24 of those 5 bytes;
 *                                uncompressed length 0 = the payload is stored uncompressed
 * then:         payload, then the CRC32 of the payload as sent (little-endian), seeded with FA 2D 55 CA
 * </pre>
 *
 * <p>A self-contained segment holds one or more whole envelopes; an envelope longer than {@link #MAX_PAYLOAD_LENGTH}
 * is cut into non-self-contained segments, which the receiver concatenates.
 *
 * <p>Stateless; safe from any thread.
 */
final class CqlSegments {
    /** The largest payload of one segment: 128 KiB - 1 (17 bits). */
    static final int MAX_PAYLOAD_LENGTH = (1 << 17) - 1;
    static final int CRC32_LENGTH = 4;

    private static final int UNCOMPRESSED_HEADER_DATA = 3;
    private static final int COMPRESSED_HEADER_DATA = 5;
    private static final int CRC24_LENGTH = 3;
    private static final byte[] CRC32_SEED = {(byte) 0xFA, (byte) 0x2D, (byte) 0x55, (byte) 0xCA};
    private static final ThreadLocal<CRC32> CRC32S = ThreadLocal.withInitial(CRC32::new);

    private CqlSegments() {
    }

    /** The decoded fields of a segment header. */
    record Header(int payloadLength, int uncompressedLength, boolean selfContained) {
        /** {@return true when the payload is LZ4-compressed and must be inflated to {@link #uncompressedLength}} */
        boolean compressed() {
            return uncompressedLength > 0;
        }
    }

    /** {@return the header length of the segments of a connection, CRC24 included} */
    static int headerLength(boolean lz4) {
        return (lz4 ? COMPRESSED_HEADER_DATA : UNCOMPRESSED_HEADER_DATA) + CRC24_LENGTH;
    }

    /**
     * {@return the header at {@code index}} The caller has checked that {@link #headerLength} bytes are there.
     *
     * @throws CqlDecodeException if the header CRC does not match
     */
    static Header readHeader(ByteBuf in, int index, boolean lz4) {
        int dataLength = lz4 ? COMPRESSED_HEADER_DATA : UNCOMPRESSED_HEADER_DATA;
        long data = 0;
        for (int i = 0; i < dataLength; i++) {
            data |= (long) in.getUnsignedByte(index + i) << (8 * i);
        }
        int received = in.getUnsignedMediumLE(index + dataLength);
        int computed = Crc.computeCrc24(data, dataLength);
        if (received != computed) {
            throw new CqlDecodeException("CRC mismatch on a v5 segment header: received "
                    + Integer.toHexString(received) + ", computed " + Integer.toHexString(computed));
        }
        int payloadLength = (int) (data & MAX_PAYLOAD_LENGTH);
        if (lz4) {
            return new Header(payloadLength, (int) ((data >>> 17) & MAX_PAYLOAD_LENGTH), ((data >>> 34) & 1) == 1);
        }
        return new Header(payloadLength, 0, ((data >>> 17) & 1) == 1);
    }

    /**
     * Checks the CRC32 trailer that follows a payload.
     *
     * @throws CqlDecodeException if it does not match
     */
    static void checkPayloadCrc(ByteBuf in, int payloadIndex, int payloadLength) {
        int received = in.getIntLE(payloadIndex + payloadLength);
        int computed = crc32(in, payloadIndex, payloadLength);
        if (received != computed) {
            throw new CqlDecodeException("CRC mismatch on a v5 segment payload: received "
                    + Integer.toHexString(received) + ", computed " + Integer.toHexString(computed));
        }
    }

    /**
     * Appends one segment carrying {@code length} bytes of {@code payload} from {@code index} (at most
     * {@link #MAX_PAYLOAD_LENGTH}) to {@code out}. With LZ4 the payload is stored uncompressed when compressing does
     * not make it smaller. {@code payload} is neither consumed nor released.
     */
    static void write(ByteBuf payload, int index, int length, boolean selfContained, boolean lz4, ByteBuf out) {
        checkPayloadLength(length);
        if (!lz4) {
            int headerIndex = startUncompressed(out, length);
            appendBytes(payload, index, length, out);
            finishUncompressed(out, headerIndex, selfContained);
            return;
        }
        int headerIndex = out.writerIndex();
        int payloadIndex = headerIndex + headerLength(true);
        out.ensureWritable(headerLength(true) + CqlCompressors.lz4MaxCompressedLength(length) + CRC32_LENGTH);
        out.writerIndex(payloadIndex);
        int compressed = CqlCompressors.lz4Compress(payload, index, length, out);
        int uncompressedField = length;
        if (compressed >= length) {
            out.writerIndex(payloadIndex);
            appendBytes(payload, index, length, out);
            uncompressedField = 0;
        }
        int sent = out.writerIndex() - payloadIndex;
        finish(out, headerIndex, sent | ((long) uncompressedField << 17) | (selfContained ? 1L << 34 : 0L),
                COMPRESSED_HEADER_DATA);
    }

    /**
     * Starts an uncompressed segment at {@code out}'s writer index: reserves its header (filled in by
     * {@link #finishUncompressed}) and room for {@code expectedPayload} bytes and the CRC32 trailer. The caller then
     * writes the payload straight into {@code out}, so the envelopes are copied once, into the segment.
     *
     * @return where the header starts, for {@link #finishUncompressed}
     */
    static int startUncompressed(ByteBuf out, int expectedPayload) {
        int headerLength = headerLength(false);
        out.ensureWritable(headerLength + expectedPayload + CRC32_LENGTH);
        int headerIndex = out.writerIndex();
        out.writerIndex(headerIndex + headerLength);
        return headerIndex;
    }

    /** {@return how many payload bytes an uncompressed segment started at {@code headerIndex} holds so far} */
    static int uncompressedPayloadLength(ByteBuf out, int headerIndex) {
        return out.writerIndex() - headerIndex - headerLength(false);
    }

    /**
     * Completes the uncompressed segment started at {@code headerIndex}: its payload is everything written to
     * {@code out} since (at most {@link #MAX_PAYLOAD_LENGTH} bytes). Fills in the header and its CRC24, and appends
     * the CRC32 of the payload, computed over the buffer in place.
     */
    static void finishUncompressed(ByteBuf out, int headerIndex, boolean selfContained) {
        int length = uncompressedPayloadLength(out, headerIndex);
        checkPayloadLength(length);
        finish(out, headerIndex, length | (selfContained ? 1L << 17 : 0L), UNCOMPRESSED_HEADER_DATA);
    }

    private static void finish(ByteBuf out, int headerIndex, long data, int dataLength) {
        for (int i = 0; i < dataLength; i++) {
            out.setByte(headerIndex + i, (int) (data >>> (8 * i)));
        }
        out.setMediumLE(headerIndex + dataLength, Crc.computeCrc24(data, dataLength));
        int payloadIndex = headerIndex + dataLength + CRC24_LENGTH;
        out.writeIntLE(crc32(out, payloadIndex, out.writerIndex() - payloadIndex));
    }

    /**
     * Appends {@code length} bytes of {@code src} at {@code index} to {@code out}. Asks the source to copy: between
     * direct buffers that is one memory copy by address, where {@code out.writeBytes(src, ...)} into Netty's adaptive
     * buffers first wraps the source in a new NIO buffer, an allocation per copy.
     */
    static void appendBytes(ByteBuf src, int index, int length, ByteBuf out) {
        out.ensureWritable(length);
        int at = out.writerIndex();
        src.getBytes(index, out, at, length);
        out.writerIndex(at + length);
    }

    private static void checkPayloadLength(int length) {
        if (length > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("a segment payload holds at most " + MAX_PAYLOAD_LENGTH + " bytes, not "
                    + length);
        }
    }

    /** The segment CRC32 of {@code length} bytes at {@code index}, read in place (no copy, no allocation). */
    private static int crc32(ByteBuf buf, int index, int length) {
        CRC32 crc = CRC32S.get();
        crc.reset();
        crc.update(CRC32_SEED);
        if (buf.nioBufferCount() == 1) {
            // a view of the buffer's own memory, cached by the buffer; CRC32 reads direct memory by address
            crc.update(buf.internalNioBuffer(index, length));
        } else {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }
}
