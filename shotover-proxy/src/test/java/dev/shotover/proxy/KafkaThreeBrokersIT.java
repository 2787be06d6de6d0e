package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;
import static dev.shotover.proxy.KafkaClients.consumer;
import static dev.shotover.proxy.KafkaClients.createTopics;
import static dev.shotover.proxy.KafkaClients.pollExactly;
import static dev.shotover.proxy.KafkaClients.producer;
import static dev.shotover.proxy.KafkaClients.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.LoggerLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Three Kafka brokers on 127.0.0.1, .2 and .3 (same port), each with its own proxy on its own IP (same port too):
 * clients that bootstrap through the first proxy only learn proxy addresses from the rewritten Metadata,
 * FindCoordinator and DescribeCluster responses, and never open a connection to a broker port.
 */
class KafkaThreeBrokersIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();
    @RegisterExtension
    static final LoggerLevel kafkaLogs = new LoggerLevel("org.apache.kafka", Level.WARN);

    private static final Pattern INITIATING = Pattern.compile("Initiating connection to node (\\S+):(\\d+) ");

    private static KafkaBroker kafka;
    private static final List<ShotoverProxy> proxies = new ArrayList<>();
    private static int proxyPort;
    private static String bootstrap;
    /** What kafka-clients' NetworkClient logs at DEBUG: every connection a client opens, with its address. */
    private static final ListAppender<ILoggingEvent> connections = new ListAppender<>();

    @BeforeAll
    static void start() {
        Logger networkClient = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
        networkClient.setLevel(Level.DEBUG);
        networkClient.setAdditive(false);
        connections.start();
        networkClient.addAppender(connections);

        int[] ports = FreePort.find(2);
        kafka = KafkaBroker.builder().nodes(3).port(ports[0]).controllerPort(ports[1]).start();
        for (int n = 1; n <= 3; n++) {
            ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml("""
                    sources:
                      - Kafka:
                          name: "kafka"
                          listen_addr: "127.0.0.%d:%d"
                          chain:
                            - KafkaSinkSingle:
                                destination_port: %d
                    """.formatted(n, proxyPort, kafka.port())).start();
            proxies.add(proxy);
            if (n == 1) {
                // the first proxy picks a free port; the others listen on the same port of their own IP
                proxyPort = proxy.address("kafka").getPort();
            }
        }
        bootstrap = "127.0.0.1:" + proxyPort;
    }

    @AfterAll
    static void stop() {
        proxies.forEach(ShotoverProxy::close);
        if (kafka != null) {
            kafka.close();
        }
        Logger networkClient = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
        networkClient.detachAppender(connections);
        networkClient.setAdditive(true);
        networkClient.setLevel(null);
        // warnings the clients log and retry past (see KafkaPassthroughIT)
        logs.assertNoUnexpectedWarnOrError("UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE",
                "CONCURRENT_TRANSACTIONS");
    }

    @Test
    void clientsBootstrappedThroughOneProxyOnlyEverConnectToProxies() throws Exception {
        try (Admin admin = admin(bootstrap)) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::host, Node::port)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("127.0.0.1", proxyPort),
                            org.assertj.core.groups.Tuple.tuple("127.0.0.2", proxyPort),
                            org.assertj.core.groups.Tuple.tuple("127.0.0.3", proxyPort));
            createTopics(admin, List.of(topic("spread", 3, 3)));
            TopicDescription spread = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread"),
                            topic -> topic.partitions().stream().allMatch(p -> p.leader() != null));
            assertThat(spread.partitions()).extracting(p -> p.leader().port()).containsOnly(proxyPort);
            assertThat(spread.partitions().stream().map(TopicPartitionInfo::leader).map(Node::host)
                    .collect(Collectors.toSet())).as("leaders on every broker").hasSize(3);
        }

        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("spread", i % 3, "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (KafkaProducer<String, String> producer = producer(bootstrap,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "three-brokers-txn"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("spread", i, "t" + i, "txn" + i));
            }
            producer.commitTransaction();
        }
        for (String protocol : List.of("classic", "consumer")) {
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "three-brokers-" + protocol,
                    Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
                consumer.subscribe(List.of("spread"));
                List<ConsumerRecord<String, String>> records = pollExactly(consumer, 33);
                assertThat(records.stream().map(ConsumerRecord::value).collect(Collectors.toSet())).hasSize(33);
                consumer.commitSync();
            }
        }

        List<String> targets = new ArrayList<>();
        for (ILoggingEvent event : connections.list) {
            Matcher matcher = INITIATING.matcher(event.getFormattedMessage());
            if (matcher.find()) {
                targets.add(matcher.group(1) + ":" + matcher.group(2));
            }
        }
        Set<String> distinct = new TreeSet<>(targets);
        assertThat(distinct).as("every connection any client opened").containsExactlyInAnyOrder(
                "127.0.0.1:" + proxyPort, "127.0.0.2:" + proxyPort, "127.0.0.3:" + proxyPort);
        for (ShotoverProxy proxy : proxies) {
            assertThat(proxy.metrics().counter("connections_opened", "source", "kafka").count())
                    .as("connections through %s", proxy.address("kafka")).isPositive();
        }
        assertThat(kafka.port()).isNotEqualTo(proxyPort);
    }
}
