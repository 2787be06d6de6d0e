package dev.shotover.examples.fetchrewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.ProxyTester;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shotover's Kafka custom-transform example test, through a real Kafka broker: {@code Kafka source →
 * KafkaFetchRewrite → KafkaSinkSingle}. The transform is found on the class path by its YAML name
 * ({@code META-INF/services} written by {@code @AutoService}), as in production.
 */
class KafkaFetchRewriteIT {

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static KafkaBroker kafka;
    private static ProxyTester proxy;

    @BeforeAll
    static void start() {
        int[] ports = FreePort.find(2);
        kafka = KafkaBroker.builder().port(ports[0]).controllerPort(ports[1]).start();
        // KafkaSinkSingle connects to the address the client connected to (127.0.0.1) at destination_port.
        proxy = ProxyTester.start("""
                sources:
                  - Kafka:
                      name: "kafka"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - KafkaFetchRewrite:
                            result: "Rewritten value"
                        - KafkaSinkSingle:
                            destination_port: %d
                            connect_timeout_ms: 3000
                """.formatted(kafka.port()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void consumersReadTheRewrittenValueAndLogsHaveNoWarnings() throws Exception {
        String bootstrap = "127.0.0.1:" + proxy.address("kafka").getPort();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // created up front so that the producer's first metadata request does not race the auto-creation
            admin.createTopics(List.of(new NewTopic("foo", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            RecordMetadata sent = producer.send(new ProducerRecord<>("foo", "Key", "Message")).get();
            assertThat(sent.offset()).isZero();
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "some_group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of("foo"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }

        assertThat(received).hasSize(1);
        ConsumerRecord<String, String> record = received.get(0);
        assertThat(record.value()).isEqualTo("Rewritten value");
        assertThat(record.key()).isEqualTo("Key");
        assertThat(record.topic()).isEqualTo("foo");
        assertThat(record.partition()).isZero();
        assertThat(record.offset()).isZero();

        // The broker kept what the producer sent: only the proxy's Fetch responses were rewritten.
        try (KafkaConsumer<String, String> direct = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            direct.assign(List.of(new org.apache.kafka.common.TopicPartition("foo", 0)));
            direct.seekToBeginning(direct.assignment());
            List<ConsumerRecord<String, String>> raw = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (raw.isEmpty() && System.nanoTime() < deadline) {
                direct.poll(Duration.ofMillis(200)).forEach(raw::add);
            }
            assertThat(raw).extracting(ConsumerRecord::value).containsExactly("Message");
        }
        logs.assertNoUnexpectedWarnOrError();
    }
}
