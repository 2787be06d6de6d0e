package dev.shotover.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import dev.shotover.api.kafka.KafkaQueryTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class KafkaMessagesTest {

    @Test
    void acksIsReadFromTheRawBytesOfEveryProduceVersion() {
        for (short v = ApiKeys.PRODUCE.oldestVersion(); v <= ApiKeys.PRODUCE.latestVersion(); v++) {
            for (String transactionalId : new String[] {null, "", "a-transactional-id"}) {
                for (short acks : new short[] {0, 1, -1}) {
                    ByteBuf wire = KafkaSamples.request(KafkaSamples.produce(acks, transactionalId), v, 5);
                    try {
                        assertThat(KafkaMessages.expectsResponse(wire))
                                .as("v%d acks=%d transactional id %s", v, acks, transactionalId)
                                .isEqualTo(acks != 0);
                    } finally {
                        wire.release();
                    }
                }
            }
        }
    }

    @Test
    void headerTaggedFieldsAreSkippedWhenLookingForAcks() {
        ProduceRequestData produce = KafkaSamples.produce((short) 0, "txn");
        KafkaFrame.Request request = KafkaFrame.Request.of(produce, (short) 11, "c", 1);
        request.header().data().unknownTaggedFields().add(new RawTaggedField(7, new byte[300]));
        ByteBuf wire = KafkaFrameCodec.encode(request, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        try {
            assertThat(KafkaMessages.expectsResponse(wire)).isFalse();
        } finally {
            wire.release();
        }
    }

    @Test
    void otherApisAndTruncatedProducesExpectAResponse() {
        ByteBuf metadata = KafkaSamples.request(new MetadataRequestData(), (short) 12, 1);
        ByteBuf truncated = Unpooled.buffer().writeInt(10).writeShort(0).writeShort(9).writeInt(1).writeShort(50);
        try {
            assertThat(KafkaMessages.expectsResponse(metadata)).isTrue();
            assertThat(KafkaMessages.expectsResponse(truncated)).isTrue();
        } finally {
            metadata.release();
            truncated.release();
        }
    }

    @Test
    void headerFieldsOfAModifiedMessageComeFromItsFrame() {
        Message message = Message.fromFrame(KafkaFrame.Request.of(KafkaSamples.produce((short) 0, null), (short) 10,
                "c", 77));
        assertThat(KafkaMessages.requestApiKey(message)).isEqualTo(ApiKeys.PRODUCE.id);
        assertThat(KafkaMessages.requestApiVersion(message)).isEqualTo((short) 10);
        assertThat(KafkaMessages.requestCorrelationId(message)).isEqualTo(77);
        assertThat(KafkaMessages.expectsResponse(message)).isFalse();
    }

    @Test
    void queryTypes() {
        assertThat(KafkaQueryTypes.of(ApiKeys.PRODUCE)).isEqualTo(QueryType.WRITE);
        assertThat(KafkaQueryTypes.of(ApiKeys.FETCH)).isEqualTo(QueryType.READ);
        assertThat(KafkaQueryTypes.of(ApiKeys.LIST_OFFSETS)).isEqualTo(QueryType.READ);
        assertThat(KafkaQueryTypes.of(ApiKeys.METADATA)).isEqualTo(QueryType.READ);
        assertThat(KafkaQueryTypes.of(ApiKeys.API_VERSIONS)).isEqualTo(QueryType.READ);
        assertThat(KafkaQueryTypes.of(ApiKeys.CREATE_TOPICS)).isEqualTo(QueryType.SCHEMA_CHANGE);
        assertThat(KafkaQueryTypes.of(ApiKeys.INCREMENTAL_ALTER_CONFIGS)).isEqualTo(QueryType.SCHEMA_CHANGE);
        assertThat(KafkaQueryTypes.of(ApiKeys.END_TXN)).isEqualTo(QueryType.WRITE);
        assertThat(KafkaQueryTypes.of(ApiKeys.JOIN_GROUP)).isEqualTo(QueryType.READ_WRITE);
        assertThat(KafkaQueryTypes.of((short) 999)).isEqualTo(QueryType.READ_WRITE);
    }

    @Test
    void errorResponsesAreTheApisOwnResponsesWithTheErrorEverywhere() {
        Message createTopics = request(new CreateTopicsRequestData().setTopics(
                new CreateTopicsRequestData.CreatableTopicCollection(java.util.List.of(
                        new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(1)
                                .setReplicationFactor((short) 1)).iterator())), (short) 7, 40);
        Message rejected = createTopics.errorResponse(ErrorKind.REJECTED, "Message was filtered out by shotover");
        assertThat(rejected.requestId()).isEqualTo(createTopics.id());
        KafkaFrame.Response frame = rejected.frame(KafkaFrame.Response.class);
        assertThat(frame.correlationId()).isEqualTo(40);
        assertThat(frame.apiVersion()).isEqualTo((short) 7);
        CreateTopicsResponseData.CreatableTopicResult result = frame.body(CreateTopicsResponseData.class).topics()
                .find("t");
        assertThat(result.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
        assertThat(result.errorMessage()).isEqualTo("Message was filtered out by shotover");
        createTopics.release();

        Message produce = request(KafkaSamples.produce((short) 1, null), (short) 9, 41);
        ProduceResponseData produceError = produce.errorResponse(ErrorKind.INTERNAL, "boom")
                .frame(KafkaFrame.Response.class).body(ProduceResponseData.class);
        assertThat(produceError.responses().iterator().next().partitionResponses().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
        produce.release();

        Message fireAndForget = request(KafkaSamples.produce((short) 0, null), (short) 9, 42);
        assertThat(fireAndForget.errorResponse(ErrorKind.INTERNAL, "boom").frame())
                .as("nothing can answer a failed acks=0 produce: the connection closes instead, as a broker does")
                .isEqualTo(new KafkaFrame.NoResponse(ApiKeys.PRODUCE, (short) 9, 42, true));
        fireAndForget.release();

        Message metadata = request(new MetadataRequestData(), (short) 12, 43);
        MetadataResponseData metadataError = metadata.errorResponse(ErrorKind.INTERNAL, "boom")
                .frame(KafkaFrame.Response.class).body(MetadataResponseData.class);
        assertThat(metadataError).isNotNull();
        metadata.release();
    }

    private static Message request(org.apache.kafka.common.protocol.ApiMessage body, short version, int correlation) {
        return Message.fromRaw(Protocol.KAFKA, KafkaSamples.request(body, version, correlation),
                KafkaFrameParsers.REQUEST, 0);
    }
}
