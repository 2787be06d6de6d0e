package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.CrcMismatchException;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.Segment;
import com.datastax.oss.protocol.internal.SegmentCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.xerial.snappy.Snappy;

/**
 * What the other end of a connection puts on (and reads from) the wire, built independently of the code under test:
 * v3/v4 compression straight from lz4-java and snappy-java, and v5 segments with DataStax's own {@link SegmentCodec}
 * (the one the Java driver uses).
 */
final class CqlWire {
    private static final UnpooledByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);
    private static final CqlPrimitiveCodec PRIMITIVES = new CqlPrimitiveCodec(HEAP);

    private CqlWire() {
    }

    static int opcode(byte[] envelope) {
        return envelope[4] & 0xFF;
    }

    static int flags(byte[] envelope) {
        return envelope[1] & 0xFF;
    }

    // ---- v3/v4 envelopes ----

    static boolean compressible(byte[] envelope) {
        int opcode = opcode(envelope);
        return opcode != ProtocolConstants.Opcode.STARTUP && opcode != ProtocolConstants.Opcode.OPTIONS;
    }

    static byte[] compressEnvelope(byte[] envelope, CqlCompression compression) {
        byte[] body = Arrays.copyOfRange(envelope, 9, envelope.length);
        byte[] compressed;
        if (compression == CqlCompression.LZ4) {
            byte[] block = LZ4Factory.safeInstance().fastCompressor().compress(body);
            compressed = ByteBuffer.allocate(4 + block.length).putInt(body.length).put(block).array();
        } else {
            try {
                compressed = Snappy.compress(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] out = Arrays.copyOf(envelope, 9 + compressed.length);
        out[1] |= 0x01;
        ByteBuffer.wrap(out).putInt(5, compressed.length);
        System.arraycopy(compressed, 0, out, 9, compressed.length);
        return out;
    }

    static byte[] decompressEnvelope(byte[] wire, CqlCompression compression) {
        if ((wire[1] & 0x01) == 0) {
            return wire;
        }
        byte[] body = Arrays.copyOfRange(wire, 9, wire.length);
        byte[] plain;
        if (compression == CqlCompression.LZ4) {
            int length = ByteBuffer.wrap(body).getInt();
            plain = LZ4Factory.safeInstance().safeDecompressor().decompress(body, 4, body.length - 4, length);
        } else {
            try {
                plain = Snappy.uncompress(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] out = Arrays.copyOf(wire, 9 + plain.length);
        out[1] &= ~0x01;
        ByteBuffer.wrap(out).putInt(5, plain.length);
        System.arraycopy(plain, 0, out, 9, plain.length);
        return out;
    }

    /** Splits a stream of v3/v4 envelopes (possibly compressed) into uncompressed envelopes. */
    static List<byte[]> envelopes(byte[] stream, CqlCompression compression) {
        List<byte[]> result = new ArrayList<>();
        int offset = 0;
        while (offset < stream.length) {
            int length = 9 + ByteBuffer.wrap(stream, offset + 5, 4).getInt();
            result.add(decompressEnvelope(Arrays.copyOfRange(stream, offset, offset + length), compression));
            offset += length;
        }
        return result;
    }

    // ---- v5 segments ----

    private static SegmentCodec<ByteBuf> segmentCodec(boolean lz4) {
        return new SegmentCodec<>(PRIMITIVES, lz4 ? new Lz4Blocks() : Compressor.none());
    }

    /** One segment carrying {@code payload}, as DataStax's codec writes it. */
    static byte[] segment(byte[] payload, boolean selfContained, boolean lz4) {
        List<Object> parts = new ArrayList<>();
        segmentCodec(lz4).encode(new Segment<>(Unpooled.wrappedBuffer(payload), selfContained), parts);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            ByteBuf buf = (ByteBuf) part;
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    /** A decoded segment. */
    record Decoded(byte[] payload, boolean selfContained) {
    }

    /** Decodes a stream of segments with DataStax's codec (which checks both CRCs). */
    static List<Decoded> segments(byte[] stream, boolean lz4) {
        SegmentCodec<ByteBuf> codec = segmentCodec(lz4);
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        List<Decoded> result = new ArrayList<>();
        try {
            while (in.isReadable()) {
                SegmentCodec.Header header = codec.decodeHeader(in);
                Segment<ByteBuf> segment = codec.decode(header, in.readRetainedSlice(header.payloadLength + 4));
                result.add(new Decoded(ByteBufUtil.getBytes(segment.payload), segment.isSelfContained));
                segment.payload.release();
            }
        } catch (CrcMismatchException e) {
            throw new AssertionError(e);
        } finally {
            in.release();
        }
        return result;
    }

    /** The envelopes carried by a stream of segments. */
    static List<byte[]> envelopesInSegments(byte[] stream, boolean lz4) {
        List<byte[]> result = new ArrayList<>();
        ByteArrayOutputStream large = new ByteArrayOutputStream();
        for (Decoded segment : segments(stream, lz4)) {
            if (segment.selfContained()) {
                result.addAll(envelopes(segment.payload(), CqlCompression.NONE));
            } else {
                large.writeBytes(segment.payload());
                byte[] sofar = large.toByteArray();
                if (sofar.length >= 9 && sofar.length == 9 + ByteBuffer.wrap(sofar, 5, 4).getInt()) {
                    result.add(sofar);
                    large.reset();
                }
            }
        }
        return result;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** LZ4 blocks for {@link SegmentCodec}, straight from lz4-java. */
    private static final class Lz4Blocks implements Compressor<ByteBuf> {
        @Override
        public String algorithm() {
            return "lz4";
        }

        @Override
        public ByteBuf compress(ByteBuf uncompressed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBuf decompress(ByteBuf compressed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBuf compressWithoutLength(ByteBuf uncompressed) {
            byte[] in = ByteBufUtil.getBytes(uncompressed);
            uncompressed.skipBytes(uncompressed.readableBytes());
            return Unpooled.wrappedBuffer(LZ4Factory.safeInstance().fastCompressor().compress(in));
        }

        @Override
        public ByteBuf decompressWithoutLength(ByteBuf compressed, int uncompressedLength) {
            byte[] in = ByteBufUtil.getBytes(compressed);
            return Unpooled.wrappedBuffer(LZ4Factory.safeInstance().safeDecompressor().decompress(in,
                    uncompressedLength));
        }
    }
}
