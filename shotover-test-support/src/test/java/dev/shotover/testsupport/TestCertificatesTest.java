package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.runtime.config.TlsAcceptorConfig;
import dev.shotover.runtime.config.TlsConnectorConfig;
import dev.shotover.runtime.tls.TlsAcceptor;
import dev.shotover.runtime.tls.TlsConnector;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {
    @TempDir
    Path dir;

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static List<String> names(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> name : alternatives) {
                names.add(String.valueOf(name.get(1)));
            }
        }
        return names;
    }

    @Test
    void everyCertificateIsSignedByTheCaAndNamesWhatItShould() throws Exception {
        TestCertificates certs = TestCertificates.generate(dir);
        X509Certificate ca = read(certs.caCertificate());
        X509Certificate server = read(certs.serverCertificate());
        X509Certificate client = read(certs.clientCertificate());
        X509Certificate wrongHost = read(certs.wrongHostCertificate());

        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        for (X509Certificate leaf : List.of(server, client, wrongHost)) {
            leaf.verify(ca.getPublicKey());
            leaf.checkValidity();
            assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        }
        assertThat(names(server)).containsExactlyInAnyOrder("localhost", "127.0.0.1", "127.0.0.2", "127.0.0.3");
        assertThat(names(wrongHost)).containsExactlyInAnyOrder("wrong-host.invalid", "10.255.255.1");
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Files.readString(certs.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .isEqualTo(certs.serverKeyPem());
        assertThat(Files.readString(certs.caCertificate())).isEqualTo(certs.caPem());
    }

    @Test
    void theProxyLoadsThem() {
        TestCertificates certs = TestCertificates.generate(dir);
        TlsAcceptor acceptor = TlsAcceptor.load(new TlsAcceptorConfig(certs.serverCertificate().toString(),
                certs.serverKey().toString(), certs.caCertificate().toString()), "test");
        assertThat(acceptor.requiresClientCertificate()).isTrue();
        TlsConnector connector = TlsConnector.load(new TlsConnectorConfig(certs.caCertificate().toString(),
                certs.clientCertificate().toString(), certs.clientKey().toString(), true));
        assertThat(connector.verifiesHostname()).isTrue();
    }

    @Test
    void eachGenerationIsANewAuthority() {
        TestCertificates first = TestCertificates.generate();
        TestCertificates second = TestCertificates.generate();
        assertThat(first.dir()).isNotEqualTo(second.dir());
        assertThat(first.caPem()).isNotEqualTo(second.caPem());
    }
}
