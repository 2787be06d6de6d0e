package dev.shotover.api.kafka;

import dev.shotover.api.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Reads and rewrites the records carried by Produce requests and by Fetch and ShareFetch responses: enough for a
 * transform that encrypts or masks values on the way in and decrypts them on the way out.
 *
 * <pre>
 * // upper-case every fetched value
 * int changed = KafkaRecords.replaceValues(response, record -&gt; upperCase(record.valueBytes()));
 * </pre>
 *
 * <p><b>What is kept.</b> A batch in which no value changed keeps its exact bytes. A batch with a changed value is
 * rebuilt as a magic v2 batch with the same compression type (at that codec's default level), base offset, record
 * offsets, timestamps and timestamp type, keys, headers, producer id, epoch and base sequence, transactional flag,
 * partition leader epoch and last offset (so a compacted batch still ends where it ended); its CRC is recomputed.
 * Control batches (transaction markers) and legacy (magic v0/v1) batches are never changed, and the bytes of an
 * incomplete batch at the end of a fetched partition are kept as they were.
 *
 * <p>This reads the records through kafka-clients' record classes ({@code org.apache.kafka.common.record.internal}),
 * which decompress with the codec libraries kafka-clients brings (gzip, snappy, lz4, zstd).
 *
 * <p>Stateless; safe from any thread (frames and messages are not).
 */
public final class KafkaRecords {
    /** Byte offsets inside a magic v2 batch header; the CRC covers everything from the attributes on. */
    private static final int CRC_OFFSET = DefaultRecordBatch.CRC_OFFSET;
    private static final int ATTRIBUTES_OFFSET = CRC_OFFSET + 4;
    private static final int LAST_OFFSET_DELTA_OFFSET = DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET;

    private KafkaRecords() {
    }

    /** Computes the new value of a record: return its current value (or equal bytes) to keep it, null for none. */
    @FunctionalInterface
    public interface ValueMapper extends Function<KafkaRecord, byte[]> {
    }

    /**
     * {@return every record of a Produce request or Fetch/ShareFetch response, in order; an empty list for other
     * frames}
     *
     * @param frame a decoded Kafka request or response
     */
    public static List<KafkaRecord> read(KafkaFrame frame) {
        List<KafkaRecord> records = new ArrayList<>();
        forEach(frame, records::add);
        return records;
    }

    /**
     * Calls {@code visitor} with every record of a Produce request or Fetch/ShareFetch response, in order.
     *
     * @param frame   a decoded Kafka request or response
     * @param visitor called once per record
     */
    public static void forEach(KafkaFrame frame, Consumer<KafkaRecord> visitor) {
        for (PartitionRecords partition : partitions(frame)) {
            if (partition.records() instanceof MemoryRecords records) {
                for (MutableRecordBatch batch : records.batches()) {
                    for (Record record : batch) {
                        visitor.accept(partition.recordOf(record));
                    }
                }
            }
        }
    }

    /**
     * Replaces record values in the Produce request or Fetch/ShareFetch response of {@code message}, decoding it,
     * and marks the message changed ({@link Message#invalidateCache()}) when a value changed.
     *
     * @param message  a Kafka Produce request or Fetch/ShareFetch response; other messages are left alone
     * @param newValue the new value of each record
     * @return the number of values that changed
     */
    public static int replaceValues(Message message, ValueMapper newValue) {
        int changed = replaceValues(message.frame(KafkaFrame.class), newValue);
        if (changed > 0) {
            message.invalidateCache();
        }
        return changed;
    }

    /**
     * Replaces record values in a frame's record batches (see the class documentation for what is kept). The
     * frame is changed in place; call {@link Message#invalidateCache()} on its message if this returns more than 0.
     *
     * @param frame    a decoded Kafka request or response; frames without records are left alone
     * @param newValue the new value of each record
     * @return the number of values that changed
     */
    public static int replaceValues(KafkaFrame frame, ValueMapper newValue) {
        int changed = 0;
        for (PartitionRecords partition : partitions(frame)) {
            if (partition.records() instanceof MemoryRecords records && records.sizeInBytes() > 0) {
                Rewrite rewrite = rewrite(records, partition, newValue);
                if (rewrite.changed() > 0) {
                    partition.setter().accept(rewrite.records());
                    changed += rewrite.changed();
                }
            }
        }
        return changed;
    }

    private record Rewrite(MemoryRecords records, int changed) {
    }

    private static Rewrite rewrite(MemoryRecords records, PartitionRecords partition, ValueMapper newValue) {
        ByteBuffer source = records.buffer();
        ByteBufferOutputStream out = null;
        int changed = 0;
        int consumed = 0;
        for (MutableRecordBatch batch : records.batches()) {
            int batchStart = consumed;
            consumed += batch.sizeInBytes();
            List<byte[]> values = null;
            if (!batch.isControlBatch() && batch.magic() >= RecordBatch.MAGIC_VALUE_V2) {
                values = new ArrayList<>();
                int changedHere = 0;
                for (Record record : batch) {
                    byte[] old = record.hasValue() ? bytes(record.value()) : null;
                    byte[] value = newValue.apply(partition.recordOf(record));
                    values.add(value);
                    if (!Arrays.equals(old, value)) {
                        changedHere++;
                    }
                }
                if (changedHere == 0) {
                    values = null;
                }
                changed += changedHere;
            }
            if (values == null) {
                if (out != null) {
                    out.write(slice(source, batchStart, batch.sizeInBytes()));
                }
                continue;
            }
            if (out == null) {
                // everything before this batch was unchanged: copy it once
                out = new ByteBufferOutputStream(Math.max(records.sizeInBytes() + 1024, 64));
                out.write(slice(source, 0, batchStart));
            }
            writeRebuilt(out, batch, values);
        }
        if (out == null) {
            return new Rewrite(records, 0);
        }
        if (consumed < source.remaining()) {
            // an incomplete batch at the end of a fetched partition: the consumer fetches it again later
            out.write(slice(source, consumed, source.remaining() - consumed));
        }
        ByteBuffer result = out.buffer();
        result.flip();
        return new Rewrite(MemoryRecords.readableRecords(result.slice()), changed);
    }

    private static void writeRebuilt(ByteBufferOutputStream out, MutableRecordBatch batch, List<byte[]> values) {
        int start = out.position();
        long logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp()
                : RecordBatch.NO_TIMESTAMP;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, batch.magic(),
                Compression.of(batch.compressionType()).build(), batch.timestampType(), batch.baseOffset(),
                logAppendTime, batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(),
                false, batch.partitionLeaderEpoch(), Integer.MAX_VALUE, batch.deleteHorizonMs().orElse(
                        RecordBatch.NO_TIMESTAMP));
        int i = 0;
        long lastAppended = batch.baseOffset();
        for (Record record : batch) {
            byte[] value = values.get(i++);
            builder.appendWithOffset(record.offset(), record.timestamp(), record.key(),
                    value == null ? null : ByteBuffer.wrap(value), record.headers());
            lastAppended = record.offset();
        }
        builder.close();
        if (lastAppended != batch.lastOffset()) {
            // compaction removed records at the end of the batch: keep its last offset, or consumers refetch
            ByteBuffer written = out.buffer();
            int size = out.position() - start;
            written.putInt(start + LAST_OFFSET_DELTA_OFFSET, (int) (batch.lastOffset() - batch.baseOffset()));
            ByteBuffer batchView = written.duplicate();
            batchView.position(start); // Crc32C counts the offset from the buffer's position
            long crc = Crc32C.compute(batchView, ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
            written.putInt(start + CRC_OFFSET, (int) crc);
        }
    }

    /** The records of one partition of a frame, with where they came from and how to replace them. */
    private record PartitionRecords(String topic, Uuid topicId, int partition, BaseRecords records,
                                    Consumer<MemoryRecords> setter) {
        KafkaRecord recordOf(Record record) {
            List<org.apache.kafka.common.header.Header> headers = Arrays.asList(record.headers());
            return new KafkaRecord(topic, topicId, partition, record.offset(), record.timestamp(),
                    readOnly(record.key()), readOnly(record.value()), headers);
        }
    }

    private static List<PartitionRecords> partitions(KafkaFrame frame) {
        List<PartitionRecords> partitions = new ArrayList<>();
        if (frame instanceof KafkaFrame.Request request && request.body() instanceof ProduceRequestData produce) {
            for (ProduceRequestData.TopicProduceData topic : produce.topicData()) {
                for (ProduceRequestData.PartitionProduceData data : topic.partitionData()) {
                    partitions.add(new PartitionRecords(name(topic.name()), topic.topicId(), data.index(),
                            data.records(), data::setRecords));
                }
            }
        } else if (frame instanceof KafkaFrame.Response response) {
            if (response.body() instanceof FetchResponseData fetch) {
                for (FetchResponseData.FetchableTopicResponse topic : fetch.responses()) {
                    for (FetchResponseData.PartitionData data : topic.partitions()) {
                        partitions.add(new PartitionRecords(name(topic.topic()), topic.topicId(),
                                data.partitionIndex(), data.records(), data::setRecords));
                    }
                }
            } else if (response.body() instanceof ShareFetchResponseData shareFetch) {
                for (ShareFetchResponseData.ShareFetchableTopicResponse topic : shareFetch.responses()) {
                    for (ShareFetchResponseData.PartitionData data : topic.partitions()) {
                        partitions.add(new PartitionRecords(null, topic.topicId(), data.partitionIndex(),
                                data.records(), data::setRecords));
                    }
                }
            }
        }
        return partitions;
    }

    /** Versions that identify topics by id leave the name at its default, the empty string. */
    private static String name(String name) {
        return name == null || name.isEmpty() ? null : name;
    }

    private static ByteBuffer readOnly(ByteBuffer buffer) {
        return buffer == null ? null : buffer.asReadOnlyBuffer();
    }

    private static ByteBuffer slice(ByteBuffer source, int offset, int length) {
        ByteBuffer slice = source.duplicate();
        slice.position(source.position() + offset);
        slice.limit(source.position() + offset + length);
        return slice;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
