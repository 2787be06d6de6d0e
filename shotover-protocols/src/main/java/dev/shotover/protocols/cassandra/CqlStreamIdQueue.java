package dev.shotover.protocols.cassandra;

/**
 * The stream ids that the requests of one backend connection go out with, in the order they will be written. The
 * sink that owns the connection {@linkplain #add adds} one per request before it sends them; the connection's
 * {@link CqlMessageEncoder} (made with {@link CassandraCodecs#sink(CqlCodecOptions, CqlStreamIdQueue)}) takes one
 * for each request it writes and puts it in the header of the bytes it writes, never into the request's own bytes:
 * those may be shared with a copy travelling another chain (Tee), and the runtime answers a failed request with the
 * client's stream id.
 *
 * <p>A growable ring of primitive ints: no allocation per request.
 *
 * <p><b>Threading.</b> Not thread-safe: confined to the connection's event loop, like the sink and the encoder.
 */
public final class CqlStreamIdQueue {
    private int[] ids = new int[64];
    private int head;
    private int size;

    /**
     * Queues the stream id of the next request that will be written.
     *
     * @param streamId a v3+ stream id, -32768..32767
     */
    public void add(int streamId) {
        if (streamId < Short.MIN_VALUE || streamId > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a CQL stream id is a signed short, was " + streamId);
        }
        if (size == ids.length) {
            int[] grown = new int[ids.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = ids[(head + i) & (ids.length - 1)];
            }
            ids = grown;
            head = 0;
        }
        ids[(head + size) & (ids.length - 1)] = streamId;
        size++;
    }

    /** {@return how many stream ids wait for their request to be written} */
    public int size() {
        return size;
    }

    /**
     * {@return the stream id of the request being written, removed from the queue}
     *
     * @throws IllegalStateException if none was queued
     */
    int take() {
        if (size == 0) {
            throw new IllegalStateException("a request was written without a stream id assigned");
        }
        int streamId = ids[head];
        head = (head + 1) & (ids.length - 1);
        size--;
        return streamId;
    }
}
