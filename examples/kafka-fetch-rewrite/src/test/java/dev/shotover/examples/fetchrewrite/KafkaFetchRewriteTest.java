package dev.shotover.examples.fetchrewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaRecord;
import dev.shotover.api.kafka.KafkaRecords;
import dev.shotover.testkit.ScriptedDownChain;
import dev.shotover.testkit.TransformTester;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * Unit tests with the test kit: no sockets, no broker. The test kit has no Kafka helpers, so the messages are built
 * from kafka-clients' message classes ({@link KafkaFrame.Request#of}, {@link KafkaFrame.Response#to}).
 */
class KafkaFetchRewriteTest {

    private static final short FETCH_VERSION = 12; // names topics by name (v13+ uses ids)

    private final TransformTester tester = TransformTester
            .forConfig(new KafkaFetchRewriteConfig(null, "Rewritten value"))
            .typeName(KafkaFetchRewriteFactory.TYPE_NAME)
            .protocol(Protocol.KAFKA);

    @Test
    void rewritesEveryFetchedValueAndKeepsKeysOffsetsAndCompression() {
        Message fetch = request(new FetchRequestData(), FETCH_VERSION, 1);
        tester.downChain(ScriptedDownChain.respondingWith(requests -> List.of(Message.responseTo(requests.get(0),
                KafkaFrame.Response.to(requests.get(0).frame(KafkaFrame.Request.class), fetchResponse(
                        partition(0, records(CompressionType.LZ4, 0, "Key", "Message", "k2", "second")),
                        partition(1, records(CompressionType.ZSTD, 40, null, "third"))))))));

        Message response = tester.send(fetch).responseTo(fetch);

        List<KafkaRecord> records = KafkaRecords.read(response.frame(KafkaFrame.class));
        assertThat(records).extracting(r -> string(r.valueBytes()))
                .containsExactly("Rewritten value", "Rewritten value", "Rewritten value");
        assertThat(records).extracting(r -> string(r.keyBytes())).containsExactly("Key", "k2", null);
        assertThat(records).extracting(KafkaRecord::topic).containsOnly("foo");
        assertThat(records).extracting(KafkaRecord::partition).containsExactly(0, 0, 1);
        assertThat(records).extracting(KafkaRecord::offset).containsExactly(0L, 1L, 40L);
        // each batch re-encoded with the compression the broker used
        assertThat(compressionOf(response, 0)).isEqualTo(CompressionType.LZ4);
        assertThat(compressionOf(response, 1)).isEqualTo(CompressionType.ZSTD);
        // the sink's bytes are no longer valid: the response is re-encoded from its changed frame
        assertThat(response.rawBytes()).isNull();
    }

    @Test
    void leavesOtherResponsesAndRecordsInProduceRequestsAlone() {
        ProduceRequestData produceBody = new ProduceRequestData().setAcks((short) 1);
        produceBody.topicData().add(new ProduceRequestData.TopicProduceData().setName("foo")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                        .setRecords(records(CompressionType.NONE, 0, "Key", "Message")))));
        Message produce = request(produceBody, (short) 9, 1);
        Message metadata = request(new MetadataRequestData(), (short) 12, 2);
        MetadataResponseData metadataBody = new MetadataResponseData().setClusterId("cluster");
        tester.downChain(ScriptedDownChain.respondingWith(requests -> {
            List<Message> responses = new ArrayList<>();
            responses.add(Message.responseTo(requests.get(0), KafkaFrame.Response.to(
                    requests.get(0).frame(KafkaFrame.Request.class), new ProduceResponseData())));
            responses.add(Message.responseTo(requests.get(1), KafkaFrame.Response.to(
                    requests.get(1).frame(KafkaFrame.Request.class), metadataBody)));
            return responses;
        }));

        var run = tester.send(produce, metadata);

        // what went down still carries the client's value
        assertThat(KafkaRecords.read(run.passedDown().get(0).frame(KafkaFrame.class)))
                .extracting(r -> string(r.valueBytes())).containsExactly("Message");
        assertThat(run.responseTo(metadata).frame(KafkaFrame.class).body(MetadataResponseData.class))
                .isSameAs(metadataBody);
        assertThat(run.responseTo(produce).frame(KafkaFrame.class).apiKey().name).isEqualTo("Produce");
    }

    @Test
    void findsTheFetchResponseOfAPipelinedBatchByItsRequestId() {
        Message metadata = request(new MetadataRequestData(), (short) 12, 1);
        Message fetch = request(new FetchRequestData(), FETCH_VERSION, 2);
        Message secondFetch = request(new FetchRequestData(), FETCH_VERSION, 3);
        MetadataResponseData metadataBody = new MetadataResponseData();
        // Kafka answers in request order; a response carries no API key, so only its request says it is a Fetch
        tester.downChain(ScriptedDownChain.respondingWith(requests -> List.of(
                Message.responseTo(requests.get(0), KafkaFrame.Response.to(
                        requests.get(0).frame(KafkaFrame.Request.class), metadataBody)),
                Message.responseTo(requests.get(1), KafkaFrame.Response.to(
                        requests.get(1).frame(KafkaFrame.Request.class),
                        fetchResponse(partition(0, records(CompressionType.GZIP, 5, "Key", "Message"))))),
                Message.responseTo(requests.get(2), KafkaFrame.Response.to(
                        requests.get(2).frame(KafkaFrame.Request.class),
                        fetchResponse(partition(0, MemoryRecords.EMPTY)))))));

        var run = tester.send(metadata, fetch, secondFetch);

        assertThat(KafkaRecords.read(run.responseTo(fetch).frame(KafkaFrame.class)))
                .extracting(r -> string(r.valueBytes())).containsExactly("Rewritten value");
        assertThat(compressionOf(run.responseTo(fetch), 0)).isEqualTo(CompressionType.GZIP);
        // nothing to rewrite (a long poll that timed out): still a valid, empty Fetch response
        assertThat(KafkaRecords.read(run.responseTo(secondFetch).frame(KafkaFrame.class))).isEmpty();
        assertThat(run.responseTo(metadata).frame(KafkaFrame.class).body(MetadataResponseData.class))
                .isSameAs(metadataBody);
    }

    @Test
    void flushRunsStillReachTheRestOfTheChain() {
        tester.downChain(ScriptedDownChain.respondingWith(requests -> List.of()));

        tester.flush().assertResponses();

        assertThat(tester.downChain().lastCall().flush()).isTrue();
    }

    @Test
    void theFactoryNamesTheTransformAndItsConfig() {
        KafkaFetchRewriteFactory factory = new KafkaFetchRewriteFactory();

        assertThat(factory.typeName()).isEqualTo("KafkaFetchRewrite");
        assertThat(factory.configType()).isEqualTo(KafkaFetchRewriteConfig.class);
        assertThat(new KafkaFetchRewriteConfig(null, "x").upChainProtocol().accepts(Protocol.KAFKA)).isTrue();
        assertThat(new KafkaFetchRewriteConfig(null, "x").upChainProtocol().accepts(Protocol.VALKEY)).isFalse();
    }

    private static Message request(org.apache.kafka.common.protocol.ApiMessage body, short version, int correlationId) {
        return Message.fromFrame(KafkaFrame.Request.of(body, version, "test-client", correlationId));
    }

    private static FetchResponseData fetchResponse(FetchResponseData.PartitionData... partitions) {
        FetchResponseData body = new FetchResponseData();
        body.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("foo")
                .setPartitions(List.of(partitions)));
        return body;
    }

    private static FetchResponseData.PartitionData partition(int index, MemoryRecords records) {
        return new FetchResponseData.PartitionData().setPartitionIndex(index).setRecords(records);
    }

    /** One batch of {@code keysAndValues} (key, value, key, value...) starting at {@code baseOffset}. */
    private static MemoryRecords records(CompressionType compression, long baseOffset, String... keysAndValues) {
        SimpleRecord[] records = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L, bytes(keysAndValues[2 * i]),
                    bytes(keysAndValues[2 * i + 1]));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.of(compression).build(), records);
    }

    private static CompressionType compressionOf(Message response, int partition) {
        FetchResponseData body = response.frame(KafkaFrame.class).body(FetchResponseData.class);
        MemoryRecords records = (MemoryRecords) body.responses().get(0).partitions().get(partition).records();
        MutableRecordBatch batch = records.batches().iterator().next();
        return batch.compressionType();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
