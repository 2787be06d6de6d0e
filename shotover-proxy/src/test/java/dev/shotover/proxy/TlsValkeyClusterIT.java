package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import dev.shotover.testsupport.TestCertificates;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * {@code ValkeySinkCluster} over TLS to a 6-node cluster whose nodes serve TLS and gossip over TLS
 * ({@code --tls-cluster yes}), so every node address the cluster reports is a TLS port (Shotover's
 * {@code tls_cluster_sink}); with a plain and with a TLS source. Hostname verification is on: the node certificates
 * name 127.0.0.1, the address the cluster reports.
 */
class TlsValkeyClusterIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static TestCertificates certs;
    private static RedisCluster cluster;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        certs = TestCertificates.generate();
        cluster = RedisCluster.startTls(certs);
        String contactPoints = String.join("\", \"", cluster.tlsContactPoints().subList(0, 2));
        String sink = """
                        - ValkeySinkCluster:
                            first_contact_points: ["%s"]
                            tls:
                              certificate_authority_path: "%s"
                """.formatted(contactPoints, certs.caCertificate());
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "plain-source"
                      listen_addr: "127.0.0.1:0"
                      chain:
                %1$s
                  - Valkey:
                      name: "tls-source"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%2$s"
                        private_key_path: "%3$s"
                      chain:
                %1$s
                """.formatted(sink.stripTrailing(), certs.serverCertificate(), certs.serverKey())).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void plainSourceToTlsCluster() {
        InetSocketAddress address = proxy.address("plain-source");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
            jedis.flushAll();
            for (int i = 0; i < 100; i++) {
                assertThat(jedis.set("plain-" + i, "v" + i)).isEqualTo("OK");
            }
            for (int i = 0; i < 100; i++) {
                assertThat(jedis.get("plain-" + i)).isEqualTo("v" + i);
            }
            // keys of many slots, so every primary was written to over TLS
            assertThat(jedis.dbSize()).isEqualTo(100);
            assertThat(jedis.keys("plain-*")).hasSize(100);
        }
    }

    @Test
    void tlsSourceToTlsClusterWithCrossSlotCommands() {
        RedisClient client = TlsClients.lettuce(certs, proxy.address("tls-source"), false);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                keys.add("tls-" + i);
                assertThat(sync.set("tls-" + i, "value" + i)).isEqualTo("OK");
            }
            // split across the nodes by the sink and put back together in order
            List<KeyValue<String, String>> values = sync.mget(keys.toArray(String[]::new));
            assertThat(values).extracting(KeyValue::getValue)
                    .containsExactlyElementsOf(keys.stream().map(k -> "value" + k.substring(4)).toList());
            assertThat(sync.del(keys.toArray(String[]::new))).isEqualTo(20L);
        } finally {
            client.shutdown();
        }
    }
}
