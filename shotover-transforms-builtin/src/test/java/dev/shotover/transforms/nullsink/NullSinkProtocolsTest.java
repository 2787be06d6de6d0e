package dev.shotover.transforms.nullsink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** NullSink answers each protocol with that protocol's own error response, paired with its request. */
class NullSinkProtocolsTest {
    private static final ChainState.DownChain NO_DOWN_CHAIN = (index, state) -> {
        throw new AssertionError("a terminating transform must not call down-chain");
    };

    private static List<Message> run(Message request) throws Exception {
        var sink = new NullSinkConfig(null).builder(TestContexts.build("NullSink", new TestMetrics()))
                .build(TestContexts.connection());
        return sink.transform(new ChainState("test-chain", null, new ArrayList<>(List.of(request)), false,
                NO_DOWN_CHAIN)).toCompletableFuture().join();
    }

    @Test
    void cassandraRequestsGetAServerErrorOnTheirStream() throws Exception {
        // a v4 QUERY envelope header (stream 7) with an empty body: NullSink never looks past the header
        byte[] header = {0x04, 0x00, 0x00, 0x07, 0x07, 0x00, 0x00, 0x00, 0x00};
        Message query = Message.fromRaw(Protocol.CASSANDRA, Unpooled.wrappedBuffer(header), raw -> {
            throw new AssertionError("the request must not be parsed");
        }, 0L);
        try {
            List<Message> responses = run(query);

            assertThat(responses).singleElement().satisfies(response -> {
                assertThat(response.requestId()).isEqualTo(query.id());
                CassandraFrame frame = response.frame(CassandraFrame.class);
                assertThat(frame.version()).isEqualTo(4);
                assertThat(frame.streamId()).isEqualTo(7);
                var error = (com.datastax.oss.protocol.internal.response.Error) frame.envelope().message;
                assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.SERVER_ERROR);
                assertThat(error.message).isEqualTo(NullSink.ERROR_TEXT);
            });
        } finally {
            query.release();
        }
    }

    @Test
    void kafkaRequestsGetTheirApisErrorResponseWithUnknownServerError() throws Exception {
        CreateTopicsRequestData body = new CreateTopicsRequestData();
        body.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(1)
                .setReplicationFactor((short) 1));
        Message request = Message.fromRaw(Protocol.KAFKA, KafkaFrameCodec.encode(
                KafkaFrame.Request.of(body, (short) 7, "client", 42), UnpooledByteBufAllocator.DEFAULT),
                KafkaFrameParsers.REQUEST, 0L);
        try {
            List<Message> responses = run(request);

            assertThat(responses).singleElement().satisfies(response -> {
                assertThat(response.requestId()).isEqualTo(request.id());
                KafkaFrame.Response frame = response.frame(KafkaFrame.Response.class);
                assertThat(frame.correlationId()).isEqualTo(42);
                CreateTopicsResponseData data = (CreateTopicsResponseData) frame.body();
                assertThat(data.topics()).singleElement().satisfies(topic -> {
                    assertThat(topic.name()).isEqualTo("t");
                    assertThat(topic.errorCode()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
                    // kafka-clients never puts a message on UNKNOWN_SERVER_ERROR (ApiError.fromThrowable)
                    assertThat(topic.errorMessage()).isNull();
                });
            });
        } finally {
            request.release();
        }
    }
}
