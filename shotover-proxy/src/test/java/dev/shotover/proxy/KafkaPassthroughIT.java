package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;
import static dev.shotover.proxy.KafkaClients.consumer;
import static dev.shotover.proxy.KafkaClients.createTopics;
import static dev.shotover.proxy.KafkaClients.pollExactly;
import static dev.shotover.proxy.KafkaClients.producer;
import static dev.shotover.proxy.KafkaClients.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.LoggerLevel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * kafka-clients 4.3 producers, consumers and admins through {@code Kafka source → KafkaSinkSingle → a real Kafka
 * 4.3.1 broker} (Shotover's {@code passthrough_standard} suite), sharing one broker and one proxy for the class. The
 * proxy has three sources: the plain chain (with a recorder whose captures feed the codec round-trip check at the
 * end), one whose transform upper-cases fetched record values, and one that re-encodes every message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaPassthroughIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();
    @RegisterExtension
    static final LoggerLevel kafkaLogs = new LoggerLevel("org.apache.kafka", Level.WARN);

    private static KafkaBroker kafka;
    private static ShotoverProxy proxy;
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        KafkaTestTransforms.CAPTURED.clear();

        int[] ports = FreePort.find(2);
        kafka = KafkaBroker.builder().port(ports[0]).controllerPort(ports[1]).start();
        proxy = ShotoverProxy.builder()
                .registerTransform(KafkaTestTransforms.RECORDER, KafkaTestTransforms.UPPERCASE_FETCHED_VALUES,
                        KafkaTestTransforms.FORCE_ENCODE)
                .topologyYaml("""
                        sources:
                          - Kafka:
                              name: "kafka"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - QueryCounter:
                                    counter_name: "kafka"
                                - KafkaRecorder
                                - KafkaSinkSingle:
                                    destination_port: %1$d
                                    connect_timeout_ms: 3000
                          - Kafka:
                              name: "kafka-uppercase"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - UppercaseFetchedValues
                                - KafkaSinkSingle:
                                    destination_port: %1$d
                          - Kafka:
                              name: "kafka-read-only"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - QueryTypeFilter:
                                    DenyList: [Write, SchemaChange]
                                - KafkaSinkSingle:
                                    destination_port: %1$d
                          - Kafka:
                              name: "kafka-bare"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - KafkaSinkSingle:
                                    destination_port: %1$d
                          - Kafka:
                              name: "kafka-encode"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - KafkaForceEncode
                                - KafkaSinkSingle:
                                    destination_port: %1$d
                        """.formatted(kafka.port()))
                .start();
        bootstrap = address("kafka");
        admin = admin(bootstrap);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        // auto-created topics are announced by the clients with a metadata warning before they exist, and a
        // transaction's first produce may race the coordinator's bookkeeping: both are retried by the clients
        logs.assertNoUnexpectedWarnOrError("UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE",
                "CONCURRENT_TRANSACTIONS", "NOT_LEADER_OR_FOLLOWER",
                // a KIP-848 consumer closed while the (slow, loaded) machine was still assigning it partitions
                "could not be completed before the consumer closed");
    }

    private static String address(String source) {
        return "127.0.0.1:" + proxy.address(source).getPort();
    }

    @Test
    void topicsAreCreatedDescribedGrownAndDeleted() throws Exception {
        createTopics(admin, List.of(topic("admin-one", 1, 1), topic("admin-three", 3, 1)));
        assertThat(admin.listTopics().names().get()).contains("admin-one", "admin-three");
        // metadata reaches the broker's cache a moment after the controller accepted the topics
        Map<String, TopicDescription> described = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> admin.describeTopics(List.of("admin-one", "admin-three")).allTopicNames().get(),
                        topics -> topics.get("admin-three").partitions().size() == 3);
        assertThat(described.get("admin-one").partitions()).hasSize(1);
        assertThat(described.get("admin-three").partitions()).hasSize(3);
        assertThat(described.get("admin-three").partitions().get(0).leader().port())
                .as("leaders are reached through the proxy").isEqualTo(proxy.address("kafka").getPort());

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-one");
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                .isEqualTo("delete");

        admin.createPartitions(Map.of("admin-one", NewPartitions.increaseTo(2))).all().get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(admin.describeTopics(List.of("admin-one"))
                .allTopicNames().get().get("admin-one").partitions()).hasSize(2));

        admin.deleteTopics(List.of("admin-one", "admin-three")).all().get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(admin.listTopics().names().get()).doesNotContain("admin-one", "admin-three"));
    }

    @Test
    void produceAndConsumeOnePartitionWithCommittedOffsets() throws Exception {
        createTopics(admin, List.of(topic("one-partition", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 10; i++) {
                RecordMetadata sent = producer.send(new ProducerRecord<>("one-partition", "k" + i, "v" + i)).get();
                assertThat(sent.offset()).isEqualTo(i);
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "committing-group", Map.of())) {
            consumer.subscribe(List.of("one-partition"));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, 10);
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
            consumer.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("committing-group")
                .partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(new TopicPartition("one-partition", 0)).offset()).isEqualTo(10);

        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("one-partition", "k10", "v10")).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "committing-group", Map.of())) {
            consumer.subscribe(List.of("one-partition"));
            assertThat(pollExactly(consumer, 1).get(0).value()).as("resumes after the committed offset")
                    .isEqualTo("v10");
        }
    }

    @Test
    void produceAndConsumeOnThreePartitions() throws Exception {
        createTopics(admin, List.of(topic("three-partitions", 3, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("three-partitions", i % 3, "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("three-partitions", 0), new TopicPartition("three-partitions", 1),
                    new TopicPartition("three-partitions", 2)));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, 30);
            assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(0, 1, 2);
            assertThat(records.stream().map(ConsumerRecord::value).collect(Collectors.toSet())).hasSize(30);
        }
    }

    /**
     * A chain that is the sink alone writes large Fetch responses on while they arrive (cut-through); what the
     * consumer reads must still be exactly what was produced.
     */
    @Test
    void largeFetchesThroughABareSinkArriveByteForByte() throws Exception {
        createTopics(admin, List.of(topic("large-fetches", 3, 1)));
        String bare = address("kafka-bare");
        int count = 600;
        try (KafkaProducer<String, String> producer = producer(bare, Map.of("batch.size", 262_144, "linger.ms", 20))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("large-fetches", i % 3, "k" + i, largeValue(i)));
            }
            producer.flush();
        }
        // 6 MB in responses of up to 1 MB per partition: well above the size from which they are streamed
        try (KafkaConsumer<String, String> consumer = consumer(bare, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("large-fetches", 0), new TopicPartition("large-fetches", 1),
                    new TopicPartition("large-fetches", 2)));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, count);
            assertThat(records).allSatisfy(record ->
                    assertThat(record.value()).isEqualTo(largeValue(Integer.parseInt(record.key().substring(1)))));
            assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(count);
        }
    }

    /** 10,000 characters that differ from one record to the next. */
    private static String largeValue(int i) {
        StringBuilder value = new StringBuilder(10_000);
        while (value.length() < 10_000) {
            value.append(i).append(':').append(value.length()).append(';');
        }
        return value.substring(0, 10_000);
    }

    @Test
    void topicsAreAutoCreatedByProducing() throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("auto-created", "k", "first")).get().offset()).isZero();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "auto-group", Map.of())) {
            consumer.subscribe(List.of("auto-created"));
            assertThat(pollExactly(consumer, 1).get(0).value()).isEqualTo("first");
        }
    }

    @Test
    void threeConsumersOfAGroupShareThePartitions() throws Exception {
        createTopics(admin, List.of(topic("shared", 3, 1)));
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // the KIP-848 protocol: ConsumerGroupHeartbeat through the proxy
                KafkaConsumer<String, String> consumer = consumer(bootstrap, "sharing-group",
                        Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
                consumer.subscribe(List.of("shared"));
                consumers.add(consumer);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (KafkaConsumer<String, String> consumer : consumers) {
                    consumer.poll(Duration.ofMillis(100));
                }
                assertThat(consumers).allSatisfy(c -> assertThat(c.assignment()).hasSize(1));
            });
            Set<TopicPartition> all = new TreeSet<>((a, b) -> Integer.compare(a.partition(), b.partition()));
            consumers.forEach(c -> all.addAll(c.assignment()));
            assertThat(all).hasSize(3);
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("sharing-group"))
                    .describedGroups().get("sharing-group").get();
            assertThat(group.members()).hasSize(3);
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void readCommittedConsumersSeeOnlyCommittedTransactions() throws Exception {
        createTopics(admin, List.of(topic("transactional", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-producer"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "a"));
            producer.send(new ProducerRecord<>("transactional", "b"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "c"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "txn-reader",
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.subscribe(List.of("transactional"));
            assertThat(pollExactly(consumer, 3)).extracting(ConsumerRecord::value).containsExactly("a", "b", "c");
            assertThat(consumer.poll(Duration.ofMillis(500))).as("nothing of the aborted transaction").isEmpty();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            consumer.assign(List.of(new TopicPartition("transactional", 0)));
            assertThat(pollExactly(consumer, 4)).extracting(ConsumerRecord::value)
                    .containsExactly("a", "b", "aborted", "c");
        }
        assertThat(admin.listTransactions().all().get()).anySatisfy(t ->
                assertThat(t.transactionalId()).isEqualTo("txn-producer"));
    }

    @Test
    void idempotentProducerWritesEachRecordOnce() throws Exception {
        createTopics(admin, List.of(topic("idempotent", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("idempotent", "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("idempotent", 0)));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, 50);
            assertThat(records).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
        }
        assertThat(admin.describeProducers(List.of(new TopicPartition("idempotent", 0))).all().get()
                .get(new TopicPartition("idempotent", 0)).activeProducers()).isNotEmpty();
    }

    @Test
    void acksZeroProducesGetNoResponseAndBreakNothing() throws Exception {
        createTopics(admin, List.of(topic("fire-and-forget", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "0",
                ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("fire-and-forget", "v" + i));
                if (i % 10 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
            // the same connection still carries requests that are answered
            assertThat(producer.partitionsFor("fire-and-forget")).hasSize(1);
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("fire-and-forget", 0)));
            assertThat(pollExactly(consumer, 100)).extracting(ConsumerRecord::value).startsWith("v0", "v1");
        }
        assertThat(KafkaTestTransforms.CAPTURED).anySatisfy(c -> {
            assertThat(c.request()).isTrue();
            assertThat(c.apiKey()).isEqualTo(ApiKeys.PRODUCE.id);
            assertThat(dev.shotover.api.kafka.KafkaMessages.expectsResponse(Unpooled.wrappedBuffer(c.bytes())))
                    .isFalse();
        });
    }

    /**
     * An {@code acks=0} Produce as the very first request of a connection, then a Metadata request: the client gets
     * exactly the Metadata response, and the record is stored.
     */
    @Test
    void anAcksZeroProduceOnAFreshConnectionIsWrittenAndNotAnswered() throws Exception {
        createTopics(admin, List.of(topic("raw-acks-zero", 1, 1)));
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName("raw-acks-zero");
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("raw".getBytes()))));
        produce.topicData().add(topicData);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.address("kafka").getPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(wire(KafkaFrame.Request.of(produce, (short) 11, "raw", 1)));
            out.flush();
            // its own chain run, while the proxy is still connecting to the broker: the run must not complete (and
            // release the request) before the request was written
            Thread.sleep(200);
            out.write(wire(KafkaFrame.Request.of(new MetadataRequestData(), (short) 12, "raw", 2)));
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            int size = in.readInt();
            assertThat(in.readInt()).as("the first response answers the Metadata request").isEqualTo(2);
            in.skipNBytes(size - 4);
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("raw-acks-zero", 0)));
            assertThat(pollExactly(consumer, 1).get(0).value()).isEqualTo("raw");
        }
    }

    @Test
    void aRejectedAcksZeroProduceClosesTheConnectionLikeABrokerAndWritesNothing() throws Exception {
        createTopics(admin, List.of(topic("raw-acks-zero-rejected", 1, 1)));
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData()
                .setName("raw-acks-zero-rejected");
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("dropped?".getBytes()))));
        produce.topicData().add(topicData);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.address("kafka-read-only").getPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(wire(KafkaFrame.Request.of(produce, (short) 11, "raw", 1)));
            out.flush();
            assertThat(socket.getInputStream().read()).as("the proxy closes the connection").isEqualTo(-1);
        }
        TopicPartition partition = new TopicPartition("raw-acks-zero-rejected", 0);
        assertThat(admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .partitionResult(partition).get().offset()).as("nothing was written").isZero();
    }

    private static byte[] wire(KafkaFrame frame) {
        ByteBuf encoded = KafkaFrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            return bytes;
        } finally {
            encoded.release();
        }
    }

    @Test
    void listOffsetsFindsEarliestLatestAndTimestamps() throws Exception {
        createTopics(admin, List.of(topic("offsets", 1, 1)));
        long base = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("offsets", 0, base + i * 1000L, "k", "v" + i)).get();
            }
        }
        TopicPartition partition = new TopicPartition("offsets", 0);
        assertThat(offset(partition, OffsetSpec.earliest())).isZero();
        assertThat(offset(partition, OffsetSpec.latest())).isEqualTo(5);
        assertThat(offset(partition, OffsetSpec.forTimestamp(base + 2500))).isEqualTo(3);
        assertThat(offset(partition, OffsetSpec.maxTimestamp())).isEqualTo(4);

        admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(2))).all().get();
        assertThat(offset(partition, OffsetSpec.earliest())).as("after delete records").isEqualTo(2);
    }

    private static long offset(TopicPartition partition, OffsetSpec spec) throws Exception {
        ListOffsetsResult result = admin.listOffsets(Map.of(partition, spec));
        return result.partitionResult(partition).get().offset();
    }

    @Test
    void clusterDescriptionPointsAtTheProxy() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        int proxyPort = proxy.address("kafka").getPort();
        assertThat(cluster.nodes().get()).extracting(Node::host, Node::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", proxyPort));
        assertThat(cluster.controller().get().port()).isEqualTo(proxyPort);
        assertThat(cluster.clusterId().get()).isNotBlank();
        // and FindCoordinator: the group coordinator is the proxy too
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "coordinator-check", Map.of())) {
            consumer.subscribe(List.of("coordinator-check"));
            consumer.poll(Duration.ofMillis(500));
        }
        Node coordinator = admin.describeConsumerGroups(List.of("coordinator-check")).describedGroups()
                .get("coordinator-check").get().coordinator();
        assertThat(coordinator.port()).isEqualTo(proxyPort);
    }

    @Test
    void groupsAreListedAndDescribed() throws Exception {
        createTopics(admin, List.of(topic("described", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("described", "x")).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "described-group", Map.of())) {
            consumer.subscribe(List.of("described"));
            pollExactly(consumer, 1);
            consumer.commitSync();
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId).contains("described-group");
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("described-group"))
                    .describedGroups().get("described-group").get();
            assertThat(description.members()).hasSize(1);
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        assertThat(admin.describeConfigs(List.of(broker)).all().get().get(broker).get("num.partitions").value())
                .isEqualTo("1");
        admin.deleteConsumerGroups(List.of("described-group")).all().get();
    }

    @Test
    void everyCompressionTypeRoundTrips() throws Exception {
        for (String compression : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
            String topicName = "compressed-" + compression;
            createTopics(admin, List.of(topic(topicName, 1, 1)));
            try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, compression, ProducerConfig.LINGER_MS_CONFIG, 20))) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topicName, "key" + i, "a fairly repetitive value " + i));
                }
                producer.flush();
            }
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
                consumer.assign(List.of(new TopicPartition(topicName, 0)));
                assertThat(pollExactly(consumer, 20)).extracting(ConsumerRecord::value).as(compression)
                        .contains("a fairly repetitive value 0", "a fairly repetitive value 19");
            }
        }
    }

    @Test
    void aTransformRewritesFetchedRecordValues() throws Exception {
        createTopics(admin, List.of(topic("to-uppercase", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap,
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            producer.send(new ProducerRecord<>("to-uppercase", "key", "hello through shotover"));
            producer.send(new ProducerRecord<>("to-uppercase", "key", "second record"));
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer(address("kafka-uppercase"), "uppercase-group",
                Map.of())) {
            consumer.subscribe(List.of("to-uppercase"));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, 2);
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactly("HELLO THROUGH SHOTOVER", "SECOND RECORD");
            assertThat(records).extracting(ConsumerRecord::key).containsOnly("key");
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
            consumer.commitSync();
        }
        // the stored records are unchanged
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("to-uppercase", 0)));
            assertThat(pollExactly(consumer, 2).get(0).value()).isEqualTo("hello through shotover");
        }
    }

    @Test
    void clientsWorkWhenEveryMessageIsReencoded() throws Exception {
        String encoded = address("kafka-encode");
        try (Admin encodingAdmin = admin(encoded)) {
            createTopics(encodingAdmin, List.of(topic("reencoded", 3, 1)));
            assertThat(encodingAdmin.describeCluster().nodes().get()).extracting(Node::port)
                    .containsExactly(proxy.address("kafka-encode").getPort());
        }
        try (KafkaProducer<String, String> producer = producer(encoded, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reencoded-txn", ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("reencoded", "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> consumer = consumer(encoded, "reencoded-group",
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.subscribe(List.of("reencoded"));
            assertThat(pollExactly(consumer, 30)).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
            consumer.commitSync();
        }
    }

    @Test
    void filteredRequestsGetKafkasOwnErrorResponses() throws Exception {
        createTopics(admin, List.of(topic("read-only", 1, 1)));
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("read-only", "readable")).get();
        }
        String readOnly = address("kafka-read-only");
        try (Admin filteredAdmin = admin(readOnly)) {
            assertThatThrownBy(() -> createTopics(filteredAdmin, List.of(topic("not-allowed", 1, 1))))
                    .hasCauseInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("Message was filtered out by shotover");
            assertThat(filteredAdmin.listTopics().names().get()).contains("read-only").doesNotContain("not-allowed");
        }
        try (KafkaProducer<String, String> producer = producer(readOnly, Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("read-only", "rejected")).get())
                    .hasCauseInstanceOf(PolicyViolationException.class);
        }
        try (KafkaConsumer<String, String> consumer = consumer(readOnly, null, Map.of())) {
            consumer.assign(List.of(new TopicPartition("read-only", 0)));
            assertThat(pollExactly(consumer, 1).get(0).value()).isEqualTo("readable");
        }
    }

    @Test
    void queryCounterCountsRequestsByApiKeyName() {
        String scrape = proxy.metrics().scrape();
        assertThat(scrape).contains("shotover_query_count{name=\"kafka\",query=\"ApiVersions\",type=\"kafka\"}")
                .contains("query=\"Metadata\",type=\"kafka\"");
    }

    /**
     * Every request and response captured by the other tests decodes with kafka-clients' message classes and
     * encodes back to exactly the bytes that travelled (responses the sink rewrote are checked as re-encoded).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyCapturedMessageDecodesAndEncodesBackToTheSameBytes() {
        List<KafkaTestTransforms.Captured> captured = List.copyOf(KafkaTestTransforms.CAPTURED);
        Set<String> kinds = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (KafkaTestTransforms.Captured message : captured) {
            ByteBuf wire = Unpooled.wrappedBuffer(message.bytes());
            try {
                KafkaFrame frame = message.request() ? KafkaFrameCodec.decodeRequest(wire)
                        : KafkaFrameCodec.decodeResponse(wire, ApiKeys.forId(message.apiKey()), message.apiVersion());
                ByteBuf again = KafkaFrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT);
                try {
                    byte[] bytes = new byte[again.readableBytes()];
                    again.getBytes(0, bytes);
                    if (!Arrays.equals(bytes, message.bytes())) {
                        failures.add(message.describe() + " re-encodes differently");
                    }
                } finally {
                    again.release();
                }
                kinds.add(ApiKeys.forId(message.apiKey()).name + (message.request() ? " request" : " response"));
            } catch (RuntimeException e) {
                failures.add(message.describe() + ": " + e);
            } finally {
                wire.release();
            }
        }
        assertThat(failures).isEmpty();
        Map<String, Long> perApi = new HashMap<>();
        captured.forEach(c -> perApi.merge(ApiKeys.forId(c.apiKey()).name, 1L, Long::sum));
        LoggerFactory.getLogger(KafkaPassthroughIT.class).info("round-tripped {} messages of {} kinds: {}",
                captured.size(), kinds.size(), perApi);
        // (AddPartitionsToTxn is not required: with transaction version 2 the broker adds partitions on Produce)
        for (String api : List.of("ApiVersions", "Metadata", "Produce", "Fetch", "ListOffsets", "FindCoordinator",
                "JoinGroup", "SyncGroup", "LeaveGroup", "OffsetCommit", "OffsetFetch", "InitProducerId",
                "EndTxn", "CreateTopics", "DeleteTopics", "CreatePartitions", "DescribeConfigs",
                "DescribeCluster", "DescribeGroups", "ListGroups", "DeleteGroups", "DeleteRecords",
                "DescribeProducers", "ListTransactions", "ConsumerGroupHeartbeat", "ConsumerGroupDescribe")) {
            assertThat(kinds).as("captured kinds").contains(api + " request", api + " response");
        }
    }
}
