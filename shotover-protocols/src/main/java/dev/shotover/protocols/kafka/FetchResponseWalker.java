package dev.shotover.protocols.kafka;

import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Finds, while a Fetch response arrives, where its record sets are, so that the bytes of a large record set can be
 * spliced from the broker's socket to the client's without entering the proxy ({@code splice(2)}).
 *
 * <p>The response is known as the bytes that arrived in user space (from the size prefix on) plus <i>holes</i>: the
 * ranges that were spliced, each at a user-space position and always running to the end of a record set. Each
 * {@link #walk} re-runs kafka-clients' own {@code FetchResponseData.read} from the start over those bytes, skipping
 * record sets (fully present, or ending in a hole), and stops where the bytes run out: either inside a record set
 * that continues for at least {@code minSplice} bytes (splice that remainder now) or anywhere else (wait for more).
 * The structure is a few hundred bytes per partition, so re-parsing per read costs little; stops are signalled with
 * one preallocated exception, not one per step.
 *
 * <p>Not thread-safe; one per response stream, reused with {@link #reset}.
 */
public final class FetchResponseWalker {
    /** {@link #walk}: the bytes run out before a record set worth splicing; wait for more. */
    public static final int MORE = 0;
    /** {@link #walk}: the whole response was read (its user-space bytes and holes add up to its size prefix). */
    public static final int COMPLETE = -1;

    private static final RuntimeException STOP = new RuntimeException("stop", null, false, false) {
    };

    private final int minSplice;
    private short version;
    private int frameLength;
    private int[] holePositions = new int[8];
    private int[] holeLengths = new int[8];
    private int holes;
    private int holeBytes;
    private final Cursor cursor = new Cursor();
    private FetchResponseData body;
    private int recordsFrontier;

    /** @param minSplice the least remainder of a record set worth a splice; shorter remainders arrive normally */
    public FetchResponseWalker(int minSplice) {
        this.minSplice = minSplice;
    }

    /** Starts on a new response of {@code length} bytes (size prefix included) to a Fetch request of this version. */
    public void reset(short version, int length) {
        if (!ApiKeys.FETCH.isVersionSupported(version)) {
            throw new KafkaDecodeException("unsupported Fetch response version " + version);
        }
        this.version = version;
        this.frameLength = length;
        this.holes = 0;
        this.holeBytes = 0;
        this.body = null;
        this.recordsFrontier = 0;
    }

    /** Records that {@code length} bytes following the first {@code position} user-space bytes were spliced. */
    public void addHole(int position, int length) {
        if (length <= 0 || (holes > 0 && position <= holePositions[holes - 1])) {
            throw new IllegalArgumentException("hole " + position + "+" + length + " out of order");
        }
        if (holes == holePositions.length) {
            holePositions = Arrays.copyOf(holePositions, holes * 2);
            holeLengths = Arrays.copyOf(holeLengths, holes * 2);
        }
        holePositions[holes] = position;
        holeLengths[holes] = length;
        holes++;
        holeBytes += length;
    }

    /** Bytes spliced so far: the response's size less its user-space bytes. */
    public int holeBytes() {
        return holeBytes;
    }

    public int holes() {
        return holes;
    }

    public int holePosition(int i) {
        return holePositions[i];
    }

    public int holeLength(int i) {
        return holeLengths[i];
    }

    /**
     * How many user-space bytes the last {@link #walk} showed to be before the end of the last record set it
     * reached (including a record set's bytes present so far): they can be written to the client without holding
     * back anything that might still change (the new-leader endpoints come after every record set).
     */
    public int recordsFrontier() {
        return recordsFrontier;
    }

    /** The response's body, record sets left empty, after {@link #walk} returned {@link #COMPLETE}. */
    public FetchResponseData body() {
        return body;
    }

    /**
     * Walks the user-space bytes received so far ({@code received}, from the size prefix, not consumed).
     *
     * @return {@link #COMPLETE}, {@link #MORE}, or the number of bytes to splice now, which follow the last of
     *     {@code received} and end a record set
     * @throws KafkaDecodeException if the bytes are not a Fetch response of this version
     */
    public int walk(ByteBuf received) {
        cursor.start(received);
        try {
            cursor.skip(KafkaMessages.SIZE_PREFIX_LENGTH);
            new ResponseHeaderData(cursor, ApiKeys.FETCH.responseHeaderVersion(version));
            FetchResponseData data = new FetchResponseData();
            data.read(cursor, version);
            if (cursor.virtualPosition() != frameLength || cursor.nextHole != holes) {
                throw new KafkaDecodeException("a Fetch v" + version + " response of " + frameLength
                        + " bytes ends after " + cursor.virtualPosition());
            }
            body = data;
            recordsFrontier = cursor.position;
            return COMPLETE;
        } catch (RuntimeException e) {
            if (e == STOP) {
                recordsFrontier = cursor.frontier;
                return cursor.splice;
            }
            if (e instanceof KafkaDecodeException decode) {
                throw decode;
            }
            throw new KafkaDecodeException("invalid Fetch v" + version + " response: " + e.getMessage(), e);
        } finally {
            cursor.buf = null;
        }
    }

    /** A {@link Readable} over the user-space bytes that steps over holes and stops where the bytes end. */
    private final class Cursor implements Readable {
        ByteBuf buf;
        int base;
        int position;
        int limit;
        int nextHole;
        int consumedHoleBytes;
        int frontier;
        int splice;

        void start(ByteBuf received) {
            buf = received;
            base = received.readerIndex();
            position = 0;
            limit = received.readableBytes();
            nextHole = 0;
            consumedHoleBytes = 0;
            frontier = 0;
            splice = MORE;
        }

        int virtualPosition() {
            return position + consumedHoleBytes;
        }

        private int take(int n) {
            if (n > limit - position) {
                throw STOP;
            }
            int at = base + position;
            position += n;
            return at;
        }

        void skip(int n) {
            take(n);
        }

        @Override
        public byte readByte() {
            return buf.getByte(take(1));
        }

        @Override
        public short readShort() {
            return buf.getShort(take(2));
        }

        @Override
        public int readInt() {
            return buf.getInt(take(4));
        }

        @Override
        public long readLong() {
            return buf.getLong(take(8));
        }

        @Override
        public double readDouble() {
            return Double.longBitsToDouble(readLong());
        }

        @Override
        public byte[] readArray(int length) {
            if (length < 0 || length > remaining()) {
                throw new IllegalArgumentException("a field of " + length + " bytes where " + remaining()
                        + " bytes are left");
            }
            int at = take(length);
            byte[] bytes = new byte[length];
            buf.getBytes(at, bytes);
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

        /** What is left of the whole response, holes and bytes still to come included. */
        @Override
        public int remaining() {
            return frameLength - virtualPosition();
        }

        @Override
        public Readable slice() {
            throw new UnsupportedOperationException("slice");
        }

        /** Skips a record set: present, ending in a hole, or (stop) still arriving. Null stays null. */
        @Override
        public MemoryRecords readRecords(int length) {
            if (length < 0) {
                return null;
            }
            if (length > remaining()) {
                throw new IllegalArgumentException("a record set of " + length + " bytes where " + remaining()
                        + " bytes are left");
            }
            if (nextHole < holes && holePositions[nextHole] <= position + length) {
                int present = holePositions[nextHole] - position;
                if (present < 0 || present + holeLengths[nextHole] != length) {
                    throw new IllegalStateException("a spliced range does not end a record set");
                }
                position += present;
                consumedHoleBytes += holeLengths[nextHole];
                nextHole++;
                frontier = position;
                return MemoryRecords.EMPTY;
            }
            if (length <= limit - position) {
                position += length;
                frontier = position;
                return MemoryRecords.EMPTY;
            }
            int missing = length - (limit - position);
            frontier = limit;
            splice = missing >= minSplice ? missing : MORE;
            throw STOP;
        }
    }
}
