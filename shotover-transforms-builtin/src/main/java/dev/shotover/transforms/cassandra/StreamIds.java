package dev.shotover.transforms.cassandra;

/**
 * The stream ids of one backend connection: the sink gives each request one that no other outstanding request on
 * the connection has, so requests from the client and requests the proxy adds itself can never be confused. Ids are
 * reused lowest-freed-first from a stack, which keeps them small (a v3+ stream id is 0..32767).
 *
 * <p>Confined to the connection's event loop.
 */
final class StreamIds {
    /** Protocol v3 and later: stream ids are signed 16-bit, negative ones are the server's (events). */
    static final int CAPACITY = 32768;

    private final int[] free = new int[CAPACITY];
    private int freeCount;
    private int neverUsed;

    /** {@return a free stream id, or -1 when all are in use} */
    int acquire() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        return neverUsed < CAPACITY ? neverUsed++ : -1;
    }

    /** Returns a stream id whose response arrived. */
    void release(int streamId) {
        free[freeCount++] = streamId;
    }

    /** {@return how many stream ids are in use} */
    int inUse() {
        return neverUsed - freeCount;
    }
}
