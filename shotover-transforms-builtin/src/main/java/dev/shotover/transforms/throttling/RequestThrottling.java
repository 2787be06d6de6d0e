package dev.shotover.transforms.throttling;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.transforms.support.AnsweredHere;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Lets requests through while the shared limiter has room and answers the others with the protocol's overloaded
 * error: Cassandra {@code Overloaded} "Server overloaded" (drivers retry on another node or back off), Valkey
 * {@code -ERR Server overloaded}, Kafka {@code THROTTLING_QUOTA_EXCEEDED} (retriable). A Cassandra BATCH costs one
 * cell per statement; everything else costs one.
 *
 * <p><b>Threading.</b> On the connection's event loop; the limiter is shared and thread-safe. <b>Buffers.</b> The
 * runtime releases throttled requests with the others.
 */
final class RequestThrottling implements Transform {
    static final String OVERLOADED_TEXT = "Server overloaded";

    private final Gcra limiter;
    private final Metrics.Counter throttled;

    RequestThrottling(Gcra limiter, Metrics.Counter throttled) {
        this.limiter = limiter;
        this.throttled = throttled;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        AnsweredHere answered = new AnsweredHere(requests);
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            if (limiter.tryAcquire(cost(request))) {
                answered.pass(i);
            } else {
                throttled.increment();
                answered.answer(i, request.errorResponse(ErrorKind.OVERLOADED, OVERLOADED_TEXT));
            }
        }
        return answered.callNextTransform(state);
    }

    /** Only a Cassandra BATCH is decoded, to count its statements; the opcode is read from the header. */
    private static int cost(Message request) {
        if (request.protocol() != Protocol.CASSANDRA) {
            return 1;
        }
        ByteBuf raw = request.rawBytes();
        if (raw != null && raw.getByte(raw.readerIndex() + 4) != ProtocolConstants.Opcode.BATCH) {
            return 1;
        }
        try {
            return request.frame(CassandraFrame.class).cellCount();
        } catch (MessageParseException e) {
            return 1;
        }
    }
}
