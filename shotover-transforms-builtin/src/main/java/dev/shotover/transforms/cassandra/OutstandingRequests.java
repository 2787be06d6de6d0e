package dev.shotover.transforms.cassandra;

import dev.shotover.api.MessageId;
import dev.shotover.runtime.sink.ResponseBatch;
import java.util.Arrays;

/**
 * The requests of one backend connection that wait for their response, by the stream id they were sent with: who
 * asked, the client's own stream id, and where the response goes. Parallel arrays indexed by stream id, grown as
 * ids climb ({@link StreamIds} hands out the lowest free ones, so they stay small): no allocation per request.
 *
 * <p>Confined to the connection's event loop.
 */
final class OutstandingRequests {
    private MessageId[] requestIds = new MessageId[64];
    /** Null where no request waits. */
    private ResponseBatch[] batches = new ResponseBatch[64];
    private int[] indexes = new int[64];
    private short[] clientStreamIds = new short[64];
    private int count;

    /** Records a request sent with {@code streamId}, whose response is the {@code index}th of {@code batch}. */
    void put(int streamId, MessageId requestId, int clientStreamId, ResponseBatch batch, int index) {
        if (streamId >= batches.length) {
            int length = Math.min(StreamIds.CAPACITY, Math.max(streamId + 1, batches.length * 2));
            requestIds = Arrays.copyOf(requestIds, length);
            batches = Arrays.copyOf(batches, length);
            indexes = Arrays.copyOf(indexes, length);
            clientStreamIds = Arrays.copyOf(clientStreamIds, length);
        }
        requestIds[streamId] = requestId;
        batches[streamId] = batch;
        indexes[streamId] = index;
        clientStreamIds[streamId] = (short) clientStreamId;
        count++;
    }

    /** {@return true when a request waits for the response with this stream id} */
    boolean isWaiting(int streamId) {
        return streamId >= 0 && streamId < batches.length && batches[streamId] != null;
    }

    MessageId requestId(int streamId) {
        return requestIds[streamId];
    }

    int clientStreamId(int streamId) {
        return clientStreamIds[streamId];
    }

    ResponseBatch batch(int streamId) {
        return batches[streamId];
    }

    int index(int streamId) {
        return indexes[streamId];
    }

    /** Forgets the request of a stream id whose response arrived. */
    void remove(int streamId) {
        requestIds[streamId] = null;
        batches[streamId] = null;
        count--;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Fails the run of every waiting request and forgets them all. */
    void failAll(Throwable cause) {
        for (int streamId = 0; streamId < batches.length && count > 0; streamId++) {
            if (batches[streamId] != null) {
                batches[streamId].fail(cause);
                remove(streamId);
            }
        }
    }
}
