package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;
import static dev.shotover.proxy.KafkaClients.createTopics;
import static dev.shotover.proxy.KafkaClients.topic;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.LoggerLevel;
import dev.shotover.testsupport.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Large Fetch responses through {@code KafkaSinkSingle} alone have their record sets spliced from the broker's
 * socket to the client's ({@code splice(2)}): a consumer reads 30 MB of 10 KiB records over 3 partitions and checks
 * every record, and the proxy's {@code shotover_spliced_bytes_count} shows the bytes went around it. Through a TLS
 * source the same records arrive and nothing is spliced (the bytes must be decrypted and encrypted).
 */
class KafkaSpliceIT {
    private static final String TOPIC = "spliced";
    private static final int RECORDS = 3_000;
    private static final int VALUE_SIZE = 10 * 1024;

    @RegisterExtension
    static final LogCapture logs = new LogCapture();
    @RegisterExtension
    static final LoggerLevel kafkaLogs = new LoggerLevel("org.apache.kafka", Level.WARN);

    private static TestCertificates certs;
    private static KafkaBroker kafka;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate();
        int[] ports = FreePort.find(2);
        kafka = KafkaBroker.builder().port(ports[0]).controllerPort(ports[1]).start();
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Kafka:
                      name: "bare"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %3$d
                  - Kafka:
                      name: "tls"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%1$s"
                        private_key_path: "%2$s"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %3$d
                """.formatted(certs.serverCertificate(), certs.serverKey(), kafka.port())).start();
        String direct = "127.0.0.1:" + kafka.port();
        try (Admin admin = admin(direct)) {
            createTopics(admin, List.of(topic(TOPIC, 3, 1)));
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, direct);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, key(i), value(i)));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void aConsumerReadsEveryRecordAndTheRecordSetsWereSplicedAroundTheProxy() {
        double before = spliced("bare");
        consumeAll("127.0.0.1:" + proxy.address("bare").getPort(), Map.of());
        // about 30 MB arrive in fetches of up to 1 MiB per partition; the first read of each record set comes
        // through the proxy, the rest (most of it) is spliced
        assertThat(spliced("bare") - before).isGreaterThan(RECORDS * (double) VALUE_SIZE / 2);
    }

    @Test
    void throughATlsSourceTheSameRecordsArriveWithoutSplicing() {
        consumeAll("127.0.0.1:" + proxy.address("tls").getPort(), TlsClients.kafka(certs, false));
        assertThat(spliced("tls")).isZero();
    }

    private static void consumeAll(String bootstrap, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, true);
        props.putAll(extra);
        BitSet seen = new BitSet(RECORDS);
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2)));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    int index = Integer.parseInt(new String(record.key(), StandardCharsets.US_ASCII));
                    assertThat(record.partition()).isEqualTo(index % 3);
                    assertThat(seen.get(index)).as("record %d twice", index).isFalse();
                    assertThat(record.value()).as("value of record %d", index).isEqualTo(value(index));
                    seen.set(index);
                    count++;
                }
            }
        }
        assertThat(count).isEqualTo(RECORDS);
    }

    private static double spliced(String source) {
        double total = 0;
        for (String line : proxy.metrics().scrape().split("\n")) {
            if (line.startsWith("shotover_spliced_bytes_count{") && line.contains("source=\"" + source + "\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static byte[] key(int index) {
        return Integer.toString(index).getBytes(StandardCharsets.US_ASCII);
    }

    /** Deterministic bytes for record {@code index}, ending with their CRC-32. */
    private static byte[] value(int index) {
        byte[] value = new byte[VALUE_SIZE];
        new SplittableRandom(index).nextBytes(value);
        CRC32 crc = new CRC32();
        crc.update(value, 0, VALUE_SIZE - 4);
        ByteBuffer.wrap(value).putInt(VALUE_SIZE - 4, (int) crc.getValue());
        return value;
    }
}
