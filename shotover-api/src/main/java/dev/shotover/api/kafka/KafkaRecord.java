package dev.shotover.api.kafka;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;

/**
 * One record of a Produce request or a Fetch response, decoded (and decompressed) from its record batch, as
 * {@link KafkaRecords} hands it to a transform.
 *
 * <p>Topics travel by name in older API versions and by id in newer ones (Produce v13+, Fetch v13+): {@code topic}
 * is null when the message names the topic only by id, and {@code topicId} is {@link Uuid#ZERO_UUID} when it names
 * it only by name. A transform that needs names for ids can learn them from Metadata responses.
 *
 * @param topic     the topic name, or null
 * @param topicId   the topic id, or {@link Uuid#ZERO_UUID}
 * @param partition the partition index
 * @param offset    the record's offset (in a Produce request: relative, from 0 in each batch)
 * @param timestamp the record's timestamp (ms), or -1
 * @param key       the key, or null; a read-only buffer
 * @param value     the value, or null; a read-only buffer
 * @param headers   the record headers, in order
 *
 * <p>Immutable (the buffers are read-only views); valid as long as the frame it was read from.
 */
public record KafkaRecord(String topic, Uuid topicId, int partition, long offset, long timestamp, ByteBuffer key,
                          ByteBuffer value, List<Header> headers) {
    /**
     * Checks the topic id and keeps an immutable copy of the headers.
     *
     * @param topic     the topic name, or null
     * @param topicId   the topic id, or {@link Uuid#ZERO_UUID}
     * @param partition the partition index
     * @param offset    the record's offset
     * @param timestamp the record's timestamp (ms), or -1
     * @param key       the key, or null
     * @param value     the value, or null
     * @param headers   the record headers, in order
     */
    public KafkaRecord {
        Objects.requireNonNull(topicId, "topicId");
        headers = List.copyOf(headers);
    }

    /** {@return the key's bytes (a copy), or null} */
    public byte[] keyBytes() {
        return copy(key);
    }

    /** {@return the value's bytes (a copy), or null} */
    public byte[] valueBytes() {
        return copy(value);
    }

    private static byte[] copy(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
