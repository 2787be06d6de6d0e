package dev.shotover.protocols.cassandra;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.xerial.snappy.Snappy;

/**
 * LZ4 and Snappy over Netty buffers, and the v3/v4 compressed envelope layout built on them.
 *
 * <p>A compressed v3/v4 envelope keeps its 9-byte header (flag {@code 0x01} set, body length = compressed length);
 * its body is, for LZ4, a 4-byte big-endian uncompressed length followed by an LZ4 block, and for Snappy a raw Snappy
 * buffer (which carries its own length).
 *
 * <p>Input from the network is untrusted: LZ4 decompression uses lz4-java's pure-Java safe decompressor (lz4-java
 * 1.8.0 has out-of-bounds bugs with crafted input in several other implementations, CVE-2025-12183) into a cleared
 * buffer (CVE-2025-66566), and every announced length is checked against the frame size limit before anything is
 * allocated. Compression, of our own bytes, uses the fastest implementation available.
 *
 * <p>Stateless; safe from any thread. Results are new buffers owned by the caller; inputs are neither consumed nor
 * released.
 */
final class CqlCompressors {
    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    private CqlCompressors() {
    }

    // ---- LZ4 blocks (shared with v5 segments) ----

    static int lz4MaxCompressedLength(int length) {
        return LZ4_COMPRESSOR.maxCompressedLength(length);
    }

    /** Appends the LZ4 block of {@code length} bytes of {@code src} at {@code index} to {@code dest}; returns its length. */
    static int lz4Compress(ByteBuf src, int index, int length, ByteBuf dest) {
        int max = lz4MaxCompressedLength(length);
        dest.ensureWritable(max);
        ByteBuffer in = src.nioBuffer(index, length);
        ByteBuffer out = dest.nioBuffer(dest.writerIndex(), max);
        int written = LZ4_COMPRESSOR.compress(in, in.position(), in.remaining(), out, out.position(), max);
        dest.writerIndex(dest.writerIndex() + written);
        return written;
    }

    /** Appends the decompression of the LZ4 block {@code src} (its readable bytes) to {@code dest}. */
    static void lz4Decompress(ByteBuf src, int uncompressedLength, ByteBuf dest) {
        dest.ensureWritable(uncompressedLength);
        // lz4-java's Java decompressors can let crafted input copy what the output buffer held before
        // (CVE-2025-66566); pooled buffers hold other connections' bytes, so clear the target first
        dest.setZero(dest.writerIndex(), uncompressedLength);
        ByteBuffer in = src.nioBuffer();
        ByteBuffer out = dest.nioBuffer(dest.writerIndex(), uncompressedLength);
        int written;
        try {
            written = LZ4_DECOMPRESSOR.decompress(in, in.position(), in.remaining(), out, out.position(),
                    uncompressedLength);
        } catch (LZ4Exception e) {
            throw new CqlDecodeException("invalid LZ4 data: " + e.getMessage(), e);
        }
        if (written != uncompressedLength) {
            throw new CqlDecodeException("LZ4 data decompressed to " + written + " bytes, " + uncompressedLength
                    + " were announced");
        }
        dest.writerIndex(dest.writerIndex() + written);
    }

    // ---- v3/v4 envelopes ----

    /**
     * {@return the uncompressed envelope of a compressed one: same header with the compression flag cleared and the
     * uncompressed body length}
     *
     * @param in           holds the compressed envelope at {@code index}
     * @param index        where the envelope starts
     * @param bodyLength   the compressed body length from the header
     * @param compression  the connection's compression
     * @param maxFrameSize the largest uncompressed envelope accepted
     */
    static ByteBuf decompressEnvelope(ByteBuf in, int index, int bodyLength, CqlCompression compression,
                                      int maxFrameSize, ByteBufAllocator alloc) {
        ByteBuf body = in.slice(index + CqlEnvelopes.HEADER_LENGTH, bodyLength);
        int maxBody = maxFrameSize - CqlEnvelopes.HEADER_LENGTH;
        switch (compression) {
            case LZ4: {
                if (bodyLength < 4) {
                    throw new CqlDecodeException("an LZ4-compressed body starts with its 4-byte length, got "
                            + bodyLength + " bytes");
                }
                int uncompressed = body.readInt();
                checkLength(uncompressed, maxBody);
                ByteBuf out = headerFor(in, index, uncompressed, alloc);
                try {
                    lz4Decompress(body, uncompressed, out);
                } catch (RuntimeException e) {
                    out.release();
                    throw e;
                }
                return out;
            }
            case SNAPPY: {
                byte[] compressed = ByteBufUtil.getBytes(body);
                byte[] uncompressed;
                try {
                    if (!Snappy.isValidCompressedBuffer(compressed)) {
                        throw new CqlDecodeException("the body is not valid Snappy data");
                    }
                    int length = Snappy.uncompressedLength(compressed);
                    checkLength(length, maxBody);
                    uncompressed = Snappy.uncompress(compressed);
                } catch (IOException e) {
                    throw new CqlDecodeException("invalid Snappy data: " + e.getMessage(), e);
                }
                ByteBuf out = headerFor(in, index, uncompressed.length, alloc);
                out.writeBytes(uncompressed);
                return out;
            }
            default:
                throw new CqlDecodeException("a compressed envelope arrived but the connection negotiated no "
                        + "compression");
        }
    }

    /**
     * Appends the compressed form of an uncompressed envelope to {@code out} (header with the compression flag set,
     * compressed body); returns where it starts in {@code out}.
     *
     * @param envelope    an uncompressed envelope (readable bytes); not consumed or released
     * @param compression LZ4 or SNAPPY
     */
    static int compressEnvelopeInto(ByteBuf envelope, CqlCompression compression, ByteBuf out) {
        int start = envelope.readerIndex();
        int bodyIndex = start + CqlEnvelopes.HEADER_LENGTH;
        int bodyLength = envelope.readableBytes() - CqlEnvelopes.HEADER_LENGTH;
        int outStart = out.writerIndex();
        switch (compression) {
            case LZ4:
                out.ensureWritable(CqlEnvelopes.HEADER_LENGTH + 4 + lz4MaxCompressedLength(bodyLength));
                out.writeBytes(envelope, start, CqlEnvelopes.HEADER_LENGTH);
                out.writeInt(bodyLength);
                lz4Compress(envelope, bodyIndex, bodyLength, out);
                break;
            case SNAPPY: {
                byte[] compressed;
                try {
                    compressed = Snappy.compress(ByteBufUtil.getBytes(envelope, bodyIndex, bodyLength));
                } catch (IOException e) {
                    throw new IllegalStateException("Snappy compression failed: " + e.getMessage(), e);
                }
                out.ensureWritable(CqlEnvelopes.HEADER_LENGTH + compressed.length);
                out.writeBytes(envelope, start, CqlEnvelopes.HEADER_LENGTH);
                out.writeBytes(compressed);
                break;
            }
            default:
                throw new IllegalArgumentException("not a compression: " + compression);
        }
        out.setByte(outStart + 1, CqlEnvelopes.flagsAt(out, outStart) | CqlEnvelopes.FLAG_COMPRESSED);
        out.setInt(outStart + 5, out.writerIndex() - outStart - CqlEnvelopes.HEADER_LENGTH);
        return outStart;
    }

    private static void checkLength(int uncompressed, int maxBody) {
        if (uncompressed < 0 || uncompressed > maxBody) {
            throw new CqlDecodeException("a compressed body announces " + (uncompressed & 0xFFFFFFFFL)
                    + " uncompressed bytes, more than the maximum frame size allows (" + maxBody + ")");
        }
    }

    /** A buffer holding the header at {@code index} with the compression flag cleared and another body length. */
    private static ByteBuf headerFor(ByteBuf in, int index, int bodyLength, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(CqlEnvelopes.HEADER_LENGTH + bodyLength);
        CqlEnvelopes.writeHeader(out, in.getUnsignedByte(index),
                CqlEnvelopes.flagsAt(in, index) & ~CqlEnvelopes.FLAG_COMPRESSED, CqlEnvelopes.streamIdAt(in, index),
                CqlEnvelopes.opcodeAt(in, index), bodyLength);
        return out;
    }
}
