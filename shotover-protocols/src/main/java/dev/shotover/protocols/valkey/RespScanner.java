package dev.shotover.protocols.valkey;

import static dev.shotover.protocols.valkey.RespSyntax.CR;
import static dev.shotover.protocols.valkey.RespSyntax.LF;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.Arrays;

/**
 * Finds where the next RESP message ends without building any object: the framing step of the passthrough path.
 *
 * <p>Every RESP2 and RESP3 type is understood. An attribute ({@code |}) and the reply that follows it form one
 * message. Inline commands (plain text lines) are rejected like Shotover does.
 *
 * <p><b>Resumable.</b> When the buffer holds only part of a message, {@link #scan} returns -1 and remembers how far it
 * got (an offset relative to the buffer's reader index and the number of values still owed by each open aggregate).
 * The next call, made after more bytes were appended, continues from there, so a large message arriving in many reads
 * costs time linear in its size. Between calls the caller must not move the reader index nor change the readable
 * bytes other than by appending; copying them into a new buffer (as Netty's cumulators do) is fine.
 *
 * <p><b>Threading and buffers.</b> One instance per connection, used from its event loop only. The scanner never moves
 * the reader index, never retains and never releases the buffer.
 */
public final class RespScanner {
    private static final int NONE = -1;

    private final RespLimits limits;

    /** Values still owed by each open aggregate, outermost first. */
    private int[] remaining = new int[16];
    private int depth;
    /** Offset (from the reader index) of the next value's type byte, or of a pending blob's data. */
    private int position;
    /** Where the CR search of the line starting at {@link #position} resumes, or NONE before the type byte was read. */
    private int lineSearchFrom = NONE;
    /** Offset just past the CRLF ending a blob whose header was read but whose data has not fully arrived. */
    private int pendingBlobEnd = NONE;
    private boolean pendingBlobIsVerbatim;

    private byte lastTypeByte;
    private long bytesExamined;

    /** A scanner with Redis' default limits. */
    public RespScanner() {
        this(RespLimits.DEFAULT);
    }

    public RespScanner(RespLimits limits) {
        this.limits = limits;
    }

    /**
     * Scans the message starting at {@code buf.readerIndex()}.
     *
     * @return the message's length in bytes, or -1 when the buffer does not hold all of it yet (progress is kept for
     *     the next call). After a complete message the scanner starts afresh, so calling again without consuming
     *     the bytes returns the same length.
     * @throws RespDecodeException when the bytes are not RESP; the scanner is then reset
     */
    public int scan(ByteBuf buf) {
        try {
            return scanFromSavedPosition(buf);
        } catch (RespDecodeException e) {
            reset();
            throw e;
        }
    }

    /**
     * Forgets any partial progress. Call it after consuming a message (harmless, since a complete scan already starts
     * afresh) and whenever the readable bytes change other than by appending, e.g. when they were discarded.
     */
    public void reset() {
        depth = 0;
        position = 0;
        lineSearchFrom = NONE;
        pendingBlobEnd = NONE;
        pendingBlobIsVerbatim = false;
    }

    /**
     * The first byte of the last complete message found, e.g. {@code '>'} for a push, {@code '-'} or {@code '!'} for
     * an error; 0 before any. See {@link RespMessageKind} for a view that also looks through attributes.
     */
    public byte lastTypeByte() {
        return lastTypeByte;
    }

    /**
     * How many bytes this scanner has read so far, over all calls. Blob data is skipped, not read. Exposed so tests
     * can check that the work done is linear in the input, whatever the fragmentation.
     */
    public long bytesExamined() {
        return bytesExamined;
    }

    private int scanFromSavedPosition(ByteBuf buf) {
        final int base = buf.readerIndex();
        final int available = buf.readableBytes();
        for (;;) {
            if (pendingBlobEnd != NONE) {
                if (available < pendingBlobEnd) {
                    return -1;
                }
                bytesExamined += 2;
                RespSyntax.expectCrlfAfterBlob(buf, base, base + pendingBlobEnd - 2);
                if (pendingBlobIsVerbatim) {
                    bytesExamined++;
                    RespSyntax.expectVerbatimColon(buf, base, base + position);
                }
                position = pendingBlobEnd;
                pendingBlobEnd = NONE;
                if (valueCompleted()) {
                    return completed(buf, base);
                }
                continue;
            }

            if (position >= available) {
                return -1;
            }
            final int headerOffset = position;
            final byte type = buf.getByte(base + position);
            bytesExamined++;
            final RespSyntax.Shape shape = RespSyntax.shapeOf(type);
            if (shape == null) {
                throw RespSyntax.invalidTypeByte(type, headerOffset);
            }
            final int lineStart = position + 1;
            if (lineSearchFrom == NONE) {
                lineSearchFrom = lineStart;
            }
            final int cr = findCr(buf, base, available, lineStart);
            if (cr == NONE) {
                return -1;
            }
            lineSearchFrom = NONE;
            final int next = cr + 2;

            switch (shape) {
                case LINE:
                    bytesExamined += cr - lineStart;
                    RespSyntax.checkLine(buf, base, base + lineStart, base + cr, type);
                    position = next;
                    if (valueCompleted()) {
                        return completed(buf, base);
                    }
                    break;
                case BLOB: {
                    bytesExamined += cr - lineStart;
                    long length = RespSyntax.parseLength(buf, base, base + lineStart, base + cr, type,
                            limits.maxBulkLength());
                    position = next;
                    if (length < 0) {
                        if (valueCompleted()) {
                            return completed(buf, base);
                        }
                        break;
                    }
                    long end = next + length + 2;
                    if (end > Integer.MAX_VALUE) {
                        throw new RespDecodeException("message longer than " + Integer.MAX_VALUE + " bytes", headerOffset);
                    }
                    pendingBlobEnd = (int) end;
                    pendingBlobIsVerbatim = type == '=';
                    break;
                }
                case AGGREGATE: {
                    bytesExamined += cr - lineStart;
                    long count = RespSyntax.parseLength(buf, base, base + lineStart, base + cr, type,
                            limits.maxBulkLength());
                    int children = count < 0 ? 0 : RespSyntax.childCount(type, count);
                    if (children > 0) {
                        open(children, headerOffset);
                    }
                    position = next;
                    if (children == 0 && valueCompleted()) {
                        return completed(buf, base);
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("unknown shape " + shape);
            }
        }
    }

    /**
     * Finds the CR ending the line whose content starts at {@code lineStart}, resuming at {@link #lineSearchFrom}.
     * Returns NONE (and saves where to resume) when the CRLF has not fully arrived.
     */
    private int findCr(ByteBuf buf, int base, int available, int lineStart) {
        // One byte more than the allowed content, so that a CR right after maximal content is still found.
        final int searchEnd = (int) Math.min(available, (long) lineStart + limits.maxLineLength() + 1);
        final int from = lineSearchFrom;
        if (from < searchEnd) {
            int found = buf.forEachByte(base + from, searchEnd - from, ByteProcessor.FIND_CRLF);
            if (found >= 0) {
                bytesExamined += found - (base + from) + 1;
                if (buf.getByte(found) == LF) {
                    throw new RespDecodeException("LF without a preceding CR", found - (long) base);
                }
                int cr = found - base;
                if (cr + 1 >= available) {
                    // The LF has not arrived: look at this CR again next time.
                    lineSearchFrom = cr;
                    return NONE;
                }
                bytesExamined++;
                byte afterCr = buf.getByte(found + 1);
                if (afterCr != LF) {
                    throw new RespDecodeException("CR not followed by LF, found " + RespSyntax.describe(afterCr),
                            cr + 1L);
                }
                return cr;
            }
            bytesExamined += searchEnd - from;
        }
        if (searchEnd - lineStart > limits.maxLineLength()) {
            throw new RespDecodeException("line longer than " + limits.maxLineLength() + " bytes without CRLF",
                    lineStart - 1L);
        }
        lineSearchFrom = searchEnd;
        return NONE;
    }

    private void open(int children, int headerOffset) {
        if (depth == limits.maxNestingDepth()) {
            throw new RespDecodeException("aggregates nested deeper than " + limits.maxNestingDepth(), headerOffset);
        }
        if (depth == remaining.length) {
            remaining = Arrays.copyOf(remaining, Math.min(depth * 2, limits.maxNestingDepth()));
        }
        remaining[depth++] = children;
    }

    /** Counts one finished value against the enclosing aggregates; true when the whole message is finished. */
    private boolean valueCompleted() {
        while (depth > 0) {
            if (--remaining[depth - 1] > 0) {
                return false;
            }
            depth--;
        }
        return true;
    }

    private int completed(ByteBuf buf, int base) {
        int length = position;
        lastTypeByte = buf.getByte(base);
        reset();
        return length;
    }
}
