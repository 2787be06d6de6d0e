package dev.shotover.transforms.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.MessageId;
import dev.shotover.runtime.sink.ResponseBatch;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The sink's table of requests waiting for an answer, by backend stream id. */
class OutstandingRequestsTest {

    @Test
    void aRequestIsFoundByItsStreamIdUntilItIsRemoved() {
        OutstandingRequests outstanding = new OutstandingRequests();
        ResponseBatch batch = new ResponseBatch(2);
        MessageId first = MessageId.random();
        MessageId second = MessageId.random();
        outstanding.put(0, first, 17, batch, 0);
        outstanding.put(1, second, -32768, batch, 1);

        assertThat(outstanding.isEmpty()).isFalse();
        assertThat(outstanding.isWaiting(1)).isTrue();
        assertThat(outstanding.requestId(1)).isEqualTo(second);
        assertThat(outstanding.clientStreamId(1)).isEqualTo(-32768);
        assertThat(outstanding.clientStreamId(0)).isEqualTo(17);
        assertThat(outstanding.batch(1)).isSameAs(batch);
        assertThat(outstanding.index(1)).isEqualTo(1);

        outstanding.remove(0);
        assertThat(outstanding.isWaiting(0)).isFalse();
        assertThat(outstanding.isWaiting(2)).isFalse();
        assertThat(outstanding.isWaiting(-1)).isFalse();
        assertThat(outstanding.isWaiting(40_000)).isFalse();
        outstanding.remove(1);
        assertThat(outstanding.isEmpty()).isTrue();
    }

    @Test
    void theTableGrowsToTheHighestStreamId() {
        OutstandingRequests outstanding = new OutstandingRequests();
        ResponseBatch batch = new ResponseBatch(1);
        outstanding.put(StreamIds.CAPACITY - 1, MessageId.random(), 5, batch, 0);
        assertThat(outstanding.isWaiting(StreamIds.CAPACITY - 1)).isTrue();
        assertThat(outstanding.clientStreamId(StreamIds.CAPACITY - 1)).isEqualTo(5);
        assertThat(outstanding.isWaiting(StreamIds.CAPACITY - 2)).isFalse();
    }

    @Test
    void failingAllFailsEveryWaitingRunAndForgetsThem() {
        OutstandingRequests outstanding = new OutstandingRequests();
        ResponseBatch first = new ResponseBatch(2);
        ResponseBatch second = new ResponseBatch(1);
        outstanding.put(3, MessageId.random(), 1, first, 0);
        outstanding.put(700, MessageId.random(), 2, first, 1);
        outstanding.put(5, MessageId.random(), 3, second, 0);

        outstanding.failAll(new IOException("gone"));

        assertThat(first.done()).isCompletedExceptionally();
        assertThat(second.done()).isCompletedExceptionally();
        assertThat(outstanding.isEmpty()).isTrue();
        assertThat(outstanding.isWaiting(3)).isFalse();
        assertThat(outstanding.isWaiting(700)).isFalse();
    }
}
