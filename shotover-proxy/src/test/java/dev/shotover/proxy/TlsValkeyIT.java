package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.TestCertificates;
import dev.shotover.testsupport.TlsRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * TLS on both sides of {@code Valkey source → ValkeySinkSingle → redis-server --tls-port} (Shotover's
 * {@code tls_source_and_tls_single_sink}, {@code tls-no-verify-hostname}), with client authentication on either
 * side, hostname verification on and off, and the errors a client sees when the backend's certificate is refused.
 * Clients (Lettuce, Jedis) verify the proxy's certificate fully against the test CA.
 */
class TlsValkeyIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static TestCertificates certs;
    private static TlsRedisServer redis;
    private static TlsRedisServer redisRequiringClientCertificates;
    private static TlsRedisServer redisWithWrongHost;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        certs = TestCertificates.generate();
        redis = TlsRedisServer.start(certs, false);
        redisRequiringClientCertificates = TlsRedisServer.start(certs, true);
        redisWithWrongHost = TlsRedisServer.start(certs, false, certs.wrongHostCertificate(), certs.wrongHostKey());
        String sourceTls = """
                      tls:
                        certificate_path: "%s"
                        private_key_path: "%s"
                """.formatted(certs.serverCertificate(), certs.serverKey());
        String sourceMtls = sourceTls + "        certificate_authority_path: \"" + certs.caCertificate() + "\"\n";
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Valkey:
                      name: "tls"
                      listen_addr: "127.0.0.1:0"
                %1$s      chain:
                        - ValkeySinkSingle:
                            remote_address: "%3$s"
                            tls:
                              certificate_authority_path: "%5$s"
                  - Valkey:
                      name: "mtls"
                      listen_addr: "127.0.0.1:0"
                %2$s      chain:
                        - ValkeySinkSingle:
                            remote_address: "%4$s"
                            tls:
                              certificate_authority_path: "%5$s"
                              certificate_path: "%6$s"
                              private_key_path: "%7$s"
                  - Valkey:
                      name: "sink-without-client-certificate"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            remote_address: "%4$s"
                            tls:
                              certificate_authority_path: "%5$s"
                  - Valkey:
                      name: "verify-hostname"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            name: "checks-hostname"
                            remote_address: "%8$s"
                            tls:
                              certificate_authority_path: "%5$s"
                              verify_hostname: true
                  - Valkey:
                      name: "no-verify-hostname"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            remote_address: "%8$s"
                            tls:
                              certificate_authority_path: "%5$s"
                              verify_hostname: false
                  - Valkey:
                      name: "default-trust"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            name: "jdk-trust"
                            remote_address: "%3$s"
                            tls:
                              verify_hostname: false
                  - Valkey:
                      name: "tls-to-plain-port"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            name: "plain-port"
                            remote_address: "127.0.0.1:%9$d"
                            connect_timeout_ms: 500
                            tls:
                              certificate_authority_path: "%5$s"
                """.formatted(sourceTls, sourceMtls, redis.tlsAddress(), redisRequiringClientCertificates.tlsAddress(),
                certs.caCertificate(), certs.clientCertificate(), certs.clientKey(), redisWithWrongHost.tlsAddress(),
                redis.plainPort())).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (TlsRedisServer server : new TlsRedisServer[] {redis, redisRequiringClientCertificates, redisWithWrongHost}) {
            if (server != null) {
                server.close();
            }
        }
        // every refused handshake and failed backend connection below is expected; nothing else may be logged
        logs.assertNoUnexpectedWarnOrError("TLS handshake with client", "TLS handshake failed",
                "Failed to connect to destination");
    }

    @Test
    void lettuceThroughTlsSourceAndTlsSink() throws Exception {
        RedisClient client = TlsClients.lettuce(certs, proxy.address("tls"), false);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.ping()).isEqualTo("PONG");
            assertThat(sync.set("lettuce-key", "over tls")).isEqualTo("OK");
            assertThat(sync.get("lettuce-key")).isEqualTo("over tls");
            // pipelined: many requests in flight across TLS records on both sides
            RedisAsyncCommands<String, String> async = connection.async();
            List<RedisFuture<Long>> increments = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                increments.add(async.incr("lettuce-counter"));
            }
            for (int i = 0; i < increments.size(); i++) {
                assertThat(increments.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1L);
            }
        } finally {
            client.shutdown();
        }
        // the data really is in the TLS backend
        try (Jedis direct = new Jedis(redis.host(), redis.plainPort())) {
            assertThat(direct.get("lettuce-key")).isEqualTo("over tls");
            assertThat(direct.get("lettuce-counter")).isEqualTo("500");
        }
    }

    @Test
    void jedisThroughTlsSourceAndTlsSink() {
        try (Jedis jedis = TlsClients.jedis(certs, proxy.address("tls"), false)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            // larger than one TLS record (16 KiB) in both directions
            String big = "x".repeat(1 << 20);
            assertThat(jedis.set("jedis-big", big)).isEqualTo("OK");
            assertThat(jedis.get("jedis-big")).isEqualTo(big);

            Pipeline pipeline = jedis.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                pipeline.set("p" + i, "v" + i);
                replies.add(pipeline.get("p" + i));
            }
            pipeline.sync();
            for (int i = 0; i < 200; i++) {
                assertThat(replies.get(i).get()).isEqualTo("v" + i);
            }

            Transaction transaction = jedis.multi();
            transaction.set("tx", "1");
            transaction.incr("tx");
            assertThat(transaction.exec()).containsExactly("OK", 2L);
        }
    }

    @Test
    void plainTextClientOfATlsSourceIsClosedAndOthersAreUnaffected() throws Exception {
        InetSocketAddress address = proxy.address("tls");
        try (Socket plain = new Socket(address.getAddress(), address.getPort())) {
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = plain.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).doesNotContain("PONG");
        }
        try (Jedis jedis = TlsClients.jedis(certs, address, false)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        logs.awaitMessage("TLS handshake with client", java.time.Duration.ofSeconds(5));
    }

    @Test
    void mutualTlsSourceRefusesClientsWithoutACertificate() {
        InetSocketAddress address = proxy.address("mtls");
        // Jedis says hello (CLIENT SETINFO) as it connects; with TLS 1.3 the refusal arrives during that first
        // exchange, as the bad_certificate alert or as a broken pipe, whichever the client notices first
        assertThatThrownBy(() -> TlsClients.jedis(certs, address, false).close())
                .isInstanceOf(JedisConnectionException.class);
        RedisClient anonymousLettuce = TlsClients.lettuce(certs, address, false);
        try {
            assertThatThrownBy(() -> {
                try (StatefulRedisConnection<String, String> connection = anonymousLettuce.connect()) {
                    connection.sync().ping();
                }
            }).isInstanceOfAny(RedisConnectionException.class, io.lettuce.core.RedisException.class);
        } finally {
            anonymousLettuce.shutdown();
        }
    }

    @Test
    void mutualTlsOnBothSides() {
        InetSocketAddress address = proxy.address("mtls");
        try (Jedis jedis = TlsClients.jedis(certs, address, true)) {
            // the sink presents the client certificate to a redis-server with --tls-auth-clients yes
            assertThat(jedis.set("mtls", "both sides")).isEqualTo("OK");
            assertThat(jedis.get("mtls")).isEqualTo("both sides");
        }
        RedisClient client = TlsClients.lettuce(certs, address, true);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().get("mtls")).isEqualTo("both sides");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void sinkWithoutTheClientCertificateTheBackendRequiresFails() {
        InetSocketAddress address = proxy.address("sink-without-client-certificate");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("failed in chain sink-without-client-certificate     1: Failed to connect "
                            + "to destination " + redisRequiringClientCertificates.tlsAddress() + "     2: TLS "
                            + "handshake failed: Received fatal alert: certificate_required");
        }
    }

    @Test
    void hostnameVerificationRefusesACertificateForAnotherHost() {
        InetSocketAddress address = proxy.address("verify-hostname");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR Internal shotover (or custom transform) bug (chain: verify-hostname): Failed to "
                            + "send and/or receive messages, the connection will now be closed.  Caused by:     0: "
                            + "Transform ValkeySinkSingle named checks-hostname failed in chain verify-hostname     "
                            + "1: Failed to connect to destination " + redisWithWrongHost.tlsAddress() + "     2: "
                            + "TLS handshake failed: No subject alternative names matching IP address 127.0.0.1 "
                            + "found");
        }
    }

    @Test
    void withoutHostnameVerificationTheSameCertificateIsAccepted() {
        InetSocketAddress address = proxy.address("no-verify-hostname");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
            assertThat(jedis.set("no-verify", "ok")).isEqualTo("OK");
            assertThat(jedis.get("no-verify")).isEqualTo("ok");
        }
    }

    @Test
    void withoutACertificateAuthorityTheJdkTrustStoreDoesNotTrustTheTestCa() {
        // verify_hostname is off here, so this proves the chain is still verified
        InetSocketAddress address = proxy.address("default-trust");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("1: Failed to connect to destination " + redis.tlsAddress()
                            + "     2: TLS handshake failed: PKIX path building failed");
        }
    }

    @Test
    void tlsSinkPointedAtAPlainPortTimesOutAfterTheConnectTimeout() {
        // redis-server waits for the end of a line that the ClientHello never sends: only the timeout ends it
        InetSocketAddress address = proxy.address("tls-to-plain-port");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("1: Failed to connect to destination 127.0.0.1:" + redis.plainPort()
                            + "     2: TLS handshake failed: handshake timed out after 500ms");
        }
    }
}
