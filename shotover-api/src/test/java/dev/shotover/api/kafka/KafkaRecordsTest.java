package dev.shotover.api.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;

class KafkaRecordsTest {
    private static final long T0 = 1_700_000_000_000L;

    private static SimpleRecord record(String key, String value, int i) {
        return new SimpleRecord(T0 + i, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                new RecordHeader[] {new RecordHeader("h", new byte[] {(byte) i})});
    }

    private static MemoryRecords batch(long baseOffset, CompressionType compression, SimpleRecord... records) {
        return MemoryRecords.withRecords(baseOffset, Compression.of(compression).build(), records);
    }

    private static MemoryRecords concat(MemoryRecords... parts) {
        int size = 0;
        for (MemoryRecords part : parts) {
            size += part.sizeInBytes();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (MemoryRecords part : parts) {
            all.put(part.buffer());
        }
        all.flip();
        return MemoryRecords.readableRecords(all);
    }

    private static KafkaFrame.Response fetchOf(MemoryRecords records) {
        FetchResponseData data = new FetchResponseData();
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopic("t");
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(2).setRecords(records));
        data.responses().add(topic);
        return new KafkaFrame.Response(ApiKeys.FETCH, (short) 12,
                new RequestHeader(ApiKeys.FETCH, (short) 12, "c", 1).toResponseHeader(), data);
    }

    private static MemoryRecords recordsOf(KafkaFrame.Response fetch) {
        return (MemoryRecords) fetch.body(FetchResponseData.class).responses().get(0).partitions().get(0).records();
    }

    private static byte[] upper(KafkaRecord record) {
        byte[] value = record.valueBytes();
        return value == null ? null
                : new String(value, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void valuesAreReplacedInEveryCompressionAndEverythingElseIsKept() {
        List<MemoryRecords> parts = new ArrayList<>();
        long offset = 0;
        for (CompressionType type : CompressionType.values()) {
            parts.add(batch(offset, type, record("k", "value " + type, 0), record("k2", null, 1)));
            offset += 2;
        }
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(offset, T0, 0, 7L, (short) 1,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        parts.add(marker);
        KafkaFrame.Response fetch = fetchOf(concat(parts.toArray(MemoryRecords[]::new)));
        List<KafkaRecord> before = KafkaRecords.read(fetch);

        int changed = KafkaRecords.replaceValues(fetch, KafkaRecordsTest::upper);

        assertThat(changed).isEqualTo(CompressionType.values().length);
        List<MutableRecordBatch> batches = new ArrayList<>();
        recordsOf(fetch).batches().forEach(batches::add);
        assertThat(batches).hasSize(CompressionType.values().length + 1);
        for (int i = 0; i < CompressionType.values().length; i++) {
            MutableRecordBatch batch = batches.get(i);
            batch.ensureValid();
            assertThat(batch.compressionType()).isEqualTo(CompressionType.values()[i]);
            assertThat(batch.baseOffset()).isEqualTo(2L * i);
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
        }
        assertThat(batches.get(batches.size() - 1).isControlBatch()).isTrue();
        List<KafkaRecord> after = KafkaRecords.read(fetch);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < after.size(); i++) {
            KafkaRecord was = before.get(i);
            KafkaRecord now = after.get(i);
            assertThat(now.offset()).isEqualTo(was.offset());
            assertThat(now.timestamp()).isEqualTo(was.timestamp());
            assertThat(now.keyBytes()).isEqualTo(was.keyBytes());
            assertThat(now.headers()).isEqualTo(was.headers());
            assertThat(now.topic()).isEqualTo("t");
            assertThat(now.partition()).isEqualTo(2);
            if (was.value() == null) {
                assertThat(now.value()).isNull();
            } else if (!batches.get(i / 2).isControlBatch()) {
                assertThat(new String(now.valueBytes(), StandardCharsets.UTF_8))
                        .isEqualTo(new String(was.valueBytes(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
            }
        }
    }

    @Test
    void unchangedBatchesKeepTheirBytesAndAnIncompleteTailIsKept() {
        MemoryRecords first = batch(0, CompressionType.NONE, record("k", "ALREADY UPPER", 0));
        MemoryRecords second = batch(1, CompressionType.LZ4, record("k", "lower", 1));
        MemoryRecords third = batch(2, CompressionType.NONE, record("k", "cut off", 2));
        MemoryRecords all = concat(first, second, third);
        ByteBuffer truncated = all.buffer();
        truncated.limit(truncated.limit() - 10);
        KafkaFrame.Response fetch = fetchOf(MemoryRecords.readableRecords(truncated.slice()));
        MemoryRecords original = recordsOf(fetch);

        assertThat(KafkaRecords.replaceValues(fetch, r -> r.valueBytes())).isZero();
        assertThat(recordsOf(fetch)).as("nothing changed: the same records").isSameAs(original);

        assertThat(KafkaRecords.replaceValues(fetch, KafkaRecordsTest::upper)).isEqualTo(1);
        ByteBuffer rewritten = recordsOf(fetch).buffer();
        ByteBuffer firstBytes = first.buffer();
        assertThat(rewritten.duplicate().limit(firstBytes.remaining())).isEqualTo(firstBytes);
        ByteBuffer tail = third.buffer();
        tail.limit(tail.limit() - 10);
        ByteBuffer rewrittenTail = rewritten.duplicate();
        rewrittenTail.position(rewritten.limit() - tail.remaining());
        assertThat(rewrittenTail).isEqualTo(tail);
    }

    @Test
    void producerFieldsOfAnIdempotentProduceBatchAreKept() {
        MemoryRecords idempotent = MemoryRecords.withIdempotentRecords(Compression.zstd().build(), 4242L, (short) 3, 17,
                record("k", "a", 0), record("k", "b", 1));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("orders");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(idempotent));
        data.topicData().add(topic);
        KafkaFrame.Request produce = KafkaFrame.Request.of(data, (short) 11, "c", 1);

        assertThat(KafkaRecords.replaceValues(produce, r -> ("enc:" + new String(r.valueBytes())).getBytes()))
                .isEqualTo(2);

        MemoryRecords records = (MemoryRecords) data.topicData().iterator().next().partitionData().get(0).records();
        MutableRecordBatch batch = records.batches().iterator().next();
        batch.ensureValid();
        assertThat(batch.producerId()).isEqualTo(4242L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 3);
        assertThat(batch.baseSequence()).isEqualTo(17);
        assertThat(batch.lastSequence()).isEqualTo(18);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.ZSTD);
        assertThat(KafkaRecords.read(produce)).extracting(r -> new String(r.valueBytes()))
                .containsExactly("enc:a", "enc:b");
        assertThat(KafkaRecords.read(produce)).extracting(KafkaRecord::topic).containsOnly("orders");
    }

    @Test
    void aCompactedBatchKeepsItsLastOffset() {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 10);
        builder.appendWithOffset(10, T0, "a".getBytes(), "x".getBytes());
        builder.appendWithOffset(12, T0, "b".getBytes(), "y".getBytes());
        MemoryRecords built = builder.build();
        // as after compaction removed offsets 13-15 at the end of the batch
        ByteBuffer compacted = built.buffer();
        compacted.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 5);
        compacted.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(compacted, 21, compacted.remaining() - 21));
        MemoryRecords records = MemoryRecords.readableRecords(compacted);
        records.batches().iterator().next().ensureValid();
        KafkaFrame.Response fetch = fetchOf(records);

        KafkaRecords.replaceValues(fetch, KafkaRecordsTest::upper);

        MutableRecordBatch batch = recordsOf(fetch).batches().iterator().next();
        batch.ensureValid();
        assertThat(batch.lastOffset()).isEqualTo(15);
        assertThat(KafkaRecords.read(fetch)).extracting(KafkaRecord::offset).containsExactly(10L, 12L);
    }

    @Test
    void framesWithoutRecordsHaveNone() {
        KafkaFrame.Request metadata = KafkaFrame.Request.of(new org.apache.kafka.common.message.MetadataRequestData(),
                (short) 12, "c", 1);
        assertThat(KafkaRecords.read(metadata)).isEmpty();
        assertThat(KafkaRecords.replaceValues(metadata, KafkaRecordsTest::upper)).isZero();
    }
}
