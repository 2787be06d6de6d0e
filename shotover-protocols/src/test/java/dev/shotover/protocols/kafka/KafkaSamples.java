package dev.shotover.protocols.kafka;

import dev.shotover.api.kafka.KafkaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;

/** Kafka messages built with kafka-clients' own classes, as the bytes a real client or broker would send. */
final class KafkaSamples {
    private KafkaSamples() {
    }

    /** The wire bytes (size prefix included) of a request; the caller owns the buffer. */
    static ByteBuf request(ApiMessage body, short version, int correlationId) {
        return KafkaFrameCodec.encode(KafkaFrame.Request.of(body, version, "sample-client", correlationId),
                UnpooledByteBufAllocator.DEFAULT);
    }

    /** The wire bytes of a response to a request of {@code body}'s api key at {@code version}. */
    static ByteBuf response(ApiMessage body, short version, int correlationId) {
        ApiKeys key = ApiKeys.forId(body.apiKey());
        RequestHeader header = new RequestHeader(key, version, "sample-client", correlationId);
        return KafkaFrameCodec.encode(new KafkaFrame.Response(key, version, header.toResponseHeader(), body),
                UnpooledByteBufAllocator.DEFAULT);
    }

    static ProduceRequestData produce(short acks, String transactionalId) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000)
                .setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("events")
                .setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(1_700_000_000_000L, "k".getBytes(), "hello".getBytes()))));
        data.topicData().add(topic);
        return data;
    }

    /** A Produce request whose one batch holds {@code records} values of {@code valueSize} bytes. */
    static ProduceRequestData largeProduce(int records, int valueSize) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("events")
                .setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, values(records, valueSize))));
        data.topicData().add(topic);
        return data;
    }

    /** {@code count} records whose values of {@code size} bytes differ from each other. */
    static SimpleRecord[] values(int count, int size) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[size];
            for (int j = 0; j < size; j++) {
                value[j] = (byte) (i * 31 + j);
            }
            records[i] = new SimpleRecord(1_700_000_000_000L + i, null, value);
        }
        return records;
    }

    static MetadataResponseData metadata(int... ports) {
        MetadataResponseData data = new MetadataResponseData().setClusterId("cluster").setControllerId(1);
        for (int i = 0; i < ports.length; i++) {
            data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(i + 1)
                    .setHost("127.0.0." + (i + 1)).setPort(ports[i]));
        }
        MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic()
                .setName("events").setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        topic.partitions().add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                .setLeaderId(1).setReplicaNodes(List.of(1)).setIsrNodes(List.of(1)));
        data.topics().add(topic);
        // a tag this library does not know must survive a decode/encode
        data.unknownTaggedFields().add(new RawTaggedField(99, new byte[] {1, 2, 3}));
        return data;
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
