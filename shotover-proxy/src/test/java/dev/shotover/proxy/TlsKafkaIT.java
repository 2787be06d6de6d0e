package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;
import static dev.shotover.proxy.KafkaClients.consumer;
import static dev.shotover.proxy.KafkaClients.createTopics;
import static dev.shotover.proxy.KafkaClients.pollExactly;
import static dev.shotover.proxy.KafkaClients.producer;
import static dev.shotover.proxy.KafkaClients.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.LoggerLevel;
import dev.shotover.testsupport.TestCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kafka-clients over TLS through {@code Kafka source (TLS) → KafkaSinkSingle (TLS) → a Kafka 4.3 broker with an SSL
 * listener that requires client certificates} (Shotover's {@code passthrough_tls} and {@code passthrough_mtls}).
 * The sink presents the test client certificate to the broker; one source also requires client certificates.
 * Clients verify the proxy's certificate and host name against the test CA.
 */
class TlsKafkaIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();
    @RegisterExtension
    static final LoggerLevel kafkaLogs = new LoggerLevel("org.apache.kafka", Level.ERROR);

    private static TestCertificates certs;
    private static KafkaBroker kafka;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        certs = TestCertificates.generate();
        int[] ports = FreePort.find(2);
        kafka = KafkaBroker.builder().port(ports[0]).controllerPort(ports[1]).tls(certs, true).start();
        String sinkTls = """
                            tls:
                              certificate_authority_path: "%s"
                              certificate_path: "%s"
                              private_key_path: "%s"
                """.formatted(certs.caCertificate(), certs.clientCertificate(), certs.clientKey());
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Kafka:
                      name: "tls"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%1$s"
                        private_key_path: "%2$s"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %4$d
                %5$s
                  - Kafka:
                      name: "mtls"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%1$s"
                        private_key_path: "%2$s"
                        certificate_authority_path: "%3$s"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %4$d
                %5$s
                  - Kafka:
                      name: "sink-without-client-certificate"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %4$d
                            connect_timeout_ms: 3000
                            tls:
                              certificate_authority_path: "%3$s"
                """.formatted(certs.serverCertificate(), certs.serverKey(), certs.caCertificate(), kafka.port(),
                sinkTls.stripTrailing())).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        // the refused handshakes below, as the proxy and kafka-clients report them
        logs.assertNoUnexpectedWarnOrError("TLS handshake with client", "Internal shotover (or custom transform) bug "
                + "(chain: sink-without-client-certificate)", "failed authentication");
    }

    private static String bootstrap(String source) {
        InetSocketAddress address = proxy.address(source);
        return address.getHostString() + ":" + address.getPort();
    }

    private static void roundTrip(String source, String topicName, boolean clientCertificate) throws Exception {
        String bootstrap = bootstrap(source);
        Map<String, Object> tls = TlsClients.kafka(certs, clientCertificate);
        try (Admin admin = admin(bootstrap, tls)) {
            createTopics(admin, List.of(topic(topicName, 2, 1)));
            // the broker list names the proxy's listen port, reached over TLS
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .extracting(Node::port).containsOnly(proxy.address(source).getPort());
        }
        Map<String, Object> producerSettings = new HashMap<>(tls);
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = producer(bootstrap, producerSettings)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topicName, "k" + i, "value " + i + " " + "x".repeat(i * 100)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "group-" + topicName, tls)) {
            consumer.subscribe(List.of(topicName));
            List<ConsumerRecord<String, String>> records = pollExactly(consumer, 50);
            assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
                    .hasSize(50).contains("k0", "k49");
            assertThat(records).filteredOn(r -> r.key().equals("k49")).singleElement()
                    .satisfies(r -> assertThat(r.value()).startsWith("value 49 ").hasSize(9 + 4900));
            consumer.commitSync();
        }
    }

    @Test
    void producerAndConsumerThroughTlsSourceAndTlsSink() throws Exception {
        roundTrip("tls", "tls-topic", false);
    }

    @Test
    void producerAndConsumerWithClientCertificatesOnBothSides() throws Exception {
        roundTrip("mtls", "mtls-topic", true);
    }

    @Test
    void mutualTlsSourceRefusesAClientWithoutACertificate() {
        Map<String, Object> settings = new HashMap<>(TlsClients.kafka(certs, false));
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        try (Admin admin = admin(bootstrap("mtls"), settings)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void plainTextClientOfATlsSourceGetsNowhere() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        try (Admin admin = admin(bootstrap("tls"), settings)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void sinkWithoutTheClientCertificateTheBrokerRequiresFails() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        try (Admin admin = admin(bootstrap("sink-without-client-certificate"), settings)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        // Kafka has no error text for the client; the proxy's log says why
        assertThat(logs.awaitMessage("1: Failed to connect to destination 127.0.0.1:" + kafka.port()
                + "\n    2: TLS handshake failed: Received fatal alert: bad_certificate", Duration.ofSeconds(10)))
                .isNotNull();
    }
}
