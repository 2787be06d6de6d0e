package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.TestCertificates;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Cassandra source with TLS and client certificates required: the Java driver talks TLS to the proxy (v4, and
 * v5 with LZ4 segments inside TLS), the proxy talks plain CQL to node 1 of the shared cluster. A driver without a
 * client certificate, or without TLS at all, does not get in.
 */
class CassandraTlsIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static TestCertificates certs;
    private static ShotoverProxy proxy;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() {
        CassandraCluster cluster = CassandraCluster.shared();
        certs = TestCertificates.generate();
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Cassandra:
                      name: "cassandra-tls"
                      listen_addr: "127.0.0.1:0"
                      tls:
                        certificate_path: "%s"
                        private_key_path: "%s"
                        certificate_authority_path: "%s"
                      chain:
                        - CassandraSinkSingle:
                            remote_address: "%s:%d"
                """.formatted(certs.serverCertificate(), certs.serverKey(), certs.caCertificate(), cluster.host(1),
                cluster.nativePort())).start();
        address = proxy.address("cassandra-tls");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        // refused handshakes are what the negative tests provoke: the proxy logs them once, the driver per attempt
        logs.assertNoUnexpectedWarnOrError("TLS handshake", "Error connecting to Node");
    }

    @Test
    void aDriverWithTheClientCertificateWorksOnV4AndOnV5WithLz4() {
        for (List<Object> variant : List.of(List.<Object>of(DefaultProtocolVersion.V4, Compression.NONE),
                List.<Object>of(DefaultProtocolVersion.V5, Compression.LZ4))) {
            DefaultProtocolVersion version = (DefaultProtocolVersion) variant.get(0);
            try (CqlSession session = ProxiedSessions.builder(address,
                            ProxiedSessions.config(version, (Compression) variant.get(1)).build())
                    .withSslContext(TlsClients.sslContext(certs, true)).build()) {
                assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0))
                        .isEqualTo(CassandraCluster.VERSION);
                assertThat(session.getContext().getProtocolVersion()).isEqualTo(version);
            }
        }
    }

    @Test
    void aDriverWithoutAClientCertificateOrWithoutTlsIsRefused() {
        assertThatThrownBy(() -> ProxiedSessions.builder(address,
                        ProxiedSessions.config(DefaultProtocolVersion.V4, Compression.NONE).build())
                .withSslContext(TlsClients.sslContext(certs, false)).build().close())
                .isInstanceOf(AllNodesFailedException.class);
        assertThatThrownBy(() -> ProxiedSessions.builder(address,
                        ProxiedSessions.config(DefaultProtocolVersion.V4, Compression.NONE).build()).build().close())
                .isInstanceOf(AllNodesFailedException.class);
    }
}
