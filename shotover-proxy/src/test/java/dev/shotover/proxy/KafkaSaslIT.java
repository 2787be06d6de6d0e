package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;
import static dev.shotover.proxy.KafkaClients.consumer;
import static dev.shotover.proxy.KafkaClients.producer;
import static dev.shotover.proxy.KafkaSaslBroker.plain;
import static dev.shotover.proxy.KafkaSaslBroker.scram;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shotover.testsupport.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SASL through {@code KafkaSinkSingle} to a broker that requires it: SaslHandshake and SaslAuthenticate pass through
 * untouched, so PLAIN and SCRAM-SHA-256 work and a wrong password fails with the broker's own error.
 */
class KafkaSaslIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static KafkaSaslBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaSaslBroker.start();
        bootstrap = broker.proxyBootstrap();
        try (Admin admin = admin(bootstrap, plain("admin", "admin-secret"))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("secured", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        // only the clients report the failed authentications; the proxy logs nothing at WARN or ERROR for them
        logs.assertNoUnexpectedWarnOrError("failed authentication due to: Authentication failed");
    }

    @Test
    void plainAuthenticatesThroughTheProxy() throws Exception {
        roundTrip(plain("alice", "alice-secret"), "from alice");
    }

    @Test
    void scramSha256AuthenticatesThroughTheProxy() throws Exception {
        // the credential reaches the broker's cache shortly after the admin call returned
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .untilAsserted(() -> {
                    try (Admin bob = admin(bootstrap, scram("bob", "bob-secret"))) {
                        assertThat(bob.describeCluster().nodes().get()).hasSize(1);
                    }
                });
        roundTrip(scram("bob", "bob-secret"), "from bob");
    }

    @Test
    void wrongPasswordsFailWithTheBrokersError() {
        try (Admin wrong = admin(bootstrap, plain("alice", "not-her-password"))) {
            assertThatThrownBy(() -> wrong.describeCluster().nodes().get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Invalid username or password");
        }
        try (Admin wrong = admin(bootstrap, scram("bob", "not-his-password"))) {
            assertThatThrownBy(() -> wrong.describeCluster().nodes().get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-256");
        }
    }

    private static void roundTrip(Map<String, Object> credentials, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap, credentials)) {
            producer.send(new ProducerRecord<>("secured", value)).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, credentials)) {
            consumer.assign(List.of(new TopicPartition("secured", 0)));
            List<ConsumerRecord<String, String>> records = pollUntilSeen(consumer, value);
            assertThat(records).extracting(ConsumerRecord::value).contains(value);
        }
    }

    /** Reads the whole partition (other tests write to it too) until {@code value} is seen. */
    private static List<ConsumerRecord<String, String>> pollUntilSeen(KafkaConsumer<String, String> consumer,
                                                                           String value) {
        List<ConsumerRecord<String, String>> seen = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen.stream().anyMatch(r -> r.value().equals(value));
        });
        return seen;
    }
}
