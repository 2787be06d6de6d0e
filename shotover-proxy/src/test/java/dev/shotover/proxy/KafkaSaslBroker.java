package dev.shotover.proxy;

import static dev.shotover.proxy.KafkaClients.admin;

import ch.qos.logback.classic.Level;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LoggerLevel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * A broker that requires SASL (PLAIN and SCRAM-SHA-256 on a SASL_PLAINTEXT listener) behind a proxy of
 * {@code KafkaSinkSingle}, for the SASL ITs. Users: {@code admin}/{@code admin-secret} and
 * {@code alice}/{@code alice-secret} (PLAIN), {@code bob}/{@code bob-secret} (SCRAM-SHA-256).
 *
 * <p>The kafka-clients logger is held at ERROR while it runs: the tests fail authentications on purpose, and the
 * clients log each one.
 */
final class KafkaSaslBroker implements AutoCloseable {
    final KafkaBroker kafka;
    final ShotoverProxy proxy;
    private final LoggerLevel kafkaLogs;

    private KafkaSaslBroker(KafkaBroker kafka, ShotoverProxy proxy, LoggerLevel kafkaLogs) {
        this.kafka = kafka;
        this.proxy = proxy;
        this.kafkaLogs = kafkaLogs;
    }

    static KafkaSaslBroker start() throws Exception {
        LoggerLevel kafkaLogs = new LoggerLevel("org.apache.kafka", Level.ERROR).set();
        KafkaBroker kafka = null;
        ShotoverProxy proxy = null;
        try {
            int[] ports = FreePort.find(2);
            kafka = KafkaBroker.builder().port(ports[0]).controllerPort(ports[1])
                    .clientSecurityProtocol("SASL_PLAINTEXT")
                    .property("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256")
                    .property("sasl.mechanism.inter.broker.protocol", "PLAIN")
                    .property("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                                    + "password=\"admin-secret\" user_admin=\"admin-secret\" "
                                    + "user_alice=\"alice-secret\";")
                    .property("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                    .start();
            proxy = ShotoverProxy.builder().topologyYaml("""
                    sources:
                      - Kafka:
                          name: "kafka"
                          listen_addr: "127.0.0.1:0"
                          chain:
                            - KafkaSinkSingle:
                                destination_port: %d
                    """.formatted(kafka.port())).start();
            try (Admin admin = admin(kafka.bootstrapServers(), plain("admin", "admin-secret"))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"))).all().get();
            }
            return new KafkaSaslBroker(kafka, proxy, kafkaLogs);
        } catch (Exception | Error e) {
            if (proxy != null) {
                proxy.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            kafkaLogs.close();
            throw e;
        }
    }

    /** The proxy's bootstrap address. */
    String proxyBootstrap() {
        return "127.0.0.1:" + proxy.address("kafka").getPort();
    }

    static Map<String, Object> plain(String user, String password) {
        return sasl("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", user, password);
    }

    static Map<String, Object> scram(String user, String password) {
        return sasl("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule", user, password);
    }

    private static Map<String, Object> sasl(String mechanism, String module, String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, mechanism);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\""
                + password + "\";");
        return props;
    }

    @Override
    public void close() {
        proxy.close();
        kafka.close();
        kafkaLogs.close();
    }
}
