package dev.shotover.protocols.valkey;

/**
 * Bounds that keep a misbehaving peer from making the codec buffer or recurse without limit.
 *
 * <p>Immutable; safe to share.
 *
 * @param maxBulkLength   largest accepted length of a {@code $}, {@code !} or {@code =} blob, in bytes (Redis'
 *                        {@code proto-max-bulk-len}, 512 MiB by default)
 * @param maxNestingDepth largest number of aggregates ({@code * % ~ > |}) open inside each other
 * @param maxLineLength   largest number of bytes between a type byte and its CRLF (simple strings, errors, numbers,
 *                        length headers); 64 KiB by default, like Redis' inline request limit
 */
public record RespLimits(int maxBulkLength, int maxNestingDepth, int maxLineLength) {
    public static final int DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
    public static final int DEFAULT_MAX_NESTING_DEPTH = 1024;
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    /** Redis' defaults. */
    public static final RespLimits DEFAULT =
            new RespLimits(DEFAULT_MAX_BULK_LENGTH, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_LINE_LENGTH);

    public RespLimits {
        if (maxBulkLength < 0) {
            throw new IllegalArgumentException("maxBulkLength must be >= 0, was " + maxBulkLength);
        }
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException("maxNestingDepth must be >= 1, was " + maxNestingDepth);
        }
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be >= 1, was " + maxLineLength);
        }
    }
}
