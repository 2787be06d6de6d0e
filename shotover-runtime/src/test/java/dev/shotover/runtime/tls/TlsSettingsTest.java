package dev.shotover.runtime.tls;

import static dev.shotover.runtime.tls.TlsFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.config.TlsAcceptorConfig;
import dev.shotover.runtime.config.TlsConnectorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading {@code tls:} settings: the key formats that work, and the exact errors for files that do not. */
class TlsSettingsTest {
    @TempDir
    Path dir;

    @Test
    void acceptorReadsRsaAndEcKeysInEveryPlainFormat() {
        for (String[] pair : new String[][] {
            {"server.pem", "server.key"}, // PKCS#8 RSA
            {"server.pem", "server-pkcs1.key"}, // PKCS#1 RSA
            {"server-ec.pem", "server-ec.key"}, // PKCS#8 EC
            {"server-ec.pem", "server-ec-sec1.key"}, // SEC1 EC
        }) {
            TlsAcceptor acceptor = TlsAcceptor.load(TlsFixtures.server(pair[0], pair[1], null), "s");
            assertThat(acceptor.sslContext().isServer()).as(pair[1]).isTrue();
            assertThat(acceptor.requiresClientCertificate()).isFalse();
        }
    }

    @Test
    void aCertificateAuthorityTurnsOnClientAuthentication() {
        TlsAcceptor acceptor = TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", "ca.pem"), "s");
        assertThat(acceptor.requiresClientCertificate()).isTrue();
    }

    @Test
    void connectorTrustsTheJdkDefaultsWhenNoAuthorityIsGiven() {
        TlsConnector connector = TlsConnector.load(new TlsConnectorConfig(null, null, null, null));
        assertThat(connector.sslContext().isClient()).isTrue();
        assertThat(connector.verifiesHostname()).isTrue();
    }

    @Test
    void missingFileNamesTheSettingThePathAndTheReason() {
        String missing = dir.resolve("nope/server.pem").toString();
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(missing, path("server.key"), null), "s"))
                .isInstanceOf(TlsSettingsException.class)
                .hasMessage("tls.certificate_path: " + missing + ": no such file");
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server.pem"), missing, null), "s"))
                .hasMessage("tls.private_key_path: " + missing + ": no such file");
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server.pem"), path("server.key"),
                missing), "s"))
                .hasMessage("tls.certificate_authority_path: " + missing + ": no such file");
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(missing, null, null, true)))
                .hasMessage("tls.certificate_authority_path: " + missing + ": no such file");
    }

    @Test
    void directoryEmptyFileAndNonPemAreExplained() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.pem"));
        Path text = Files.writeString(dir.resolve("notes.pem"), "just some text\n");
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(dir.toString(), null, null, true)))
                .hasMessage("tls.certificate_authority_path: " + dir + ": is a directory, not a PEM file");
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(empty.toString(), null, null, true)))
                .hasMessage("tls.certificate_authority_path: " + empty + ": the file is empty");
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(text.toString(), null, null, true)))
                .hasMessage("tls.certificate_authority_path: " + text
                        + ": not a PEM file (no -----BEGIN ...----- / -----END ...----- block)");
    }

    @Test
    void keyAndCertificateSwappedAreExplained() {
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server.key"), path("server.pem"),
                null), "s"))
                .hasMessage("tls.certificate_path: " + path("server.key")
                        + ": no certificate in the file (expected -----BEGIN CERTIFICATE-----, found PRIVATE KEY)");
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server.pem"), path("ca.pem"), null),
                "s"))
                .hasMessageStartingWith("tls.private_key_path: " + path("ca.pem") + ": no private key in the file");
    }

    @Test
    void corruptCertificateIsExplained() throws IOException {
        Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(corrupt.toString(), null, null, true)))
                .hasMessageStartingWith("tls.certificate_authority_path: " + corrupt
                        + ": certificate 1 is not a valid X.509 certificate");
    }

    @Test
    void encryptedKeyIsRefusedWithAWayOut() {
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(path("ca.pem"), path("client.pem"),
                path("client-encrypted.key"), true)))
                .hasMessageStartingWith("tls.private_key_path: " + path("client-encrypted.key")
                        + ": the private key is encrypted, which is not supported")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void keyOfAnotherCertificateIsRefused() {
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server.pem"), path("client.key"),
                null), "s"))
                .hasMessage("tls.private_key_path: " + path("client.key") + ": the private key does not belong to "
                        + "the certificate in certificate_path (CN=localhost)");
        assertThatThrownBy(() -> TlsAcceptor.load(new TlsAcceptorConfig(path("server-ec.pem"), path("server.key"),
                null), "s"))
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void clientCertificateNeedsItsKeyAndTheOtherWayRound() {
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(path("ca.pem"), path("client.pem"), null,
                true)))
                .hasMessage("tls.private_key_path: missing: certificate_path is set, and a client certificate needs "
                        + "both certificate_path and private_key_path");
        assertThatThrownBy(() -> TlsConnector.load(new TlsConnectorConfig(path("ca.pem"), null, path("client.key"),
                true)))
                .hasMessageStartingWith("tls.certificate_path: missing: private_key_path is set");
    }

    @Test
    void exceptionExposesItsParts() {
        TlsSettingsException e = new TlsSettingsException("certificate_path", "/x/y.pem", "no such file");
        assertThat(e.getMessage()).isEqualTo("tls.certificate_path: /x/y.pem: no such file");
        assertThat(e.field()).isEqualTo("certificate_path");
        assertThat(e.path()).isEqualTo("/x/y.pem");
        assertThat(e.reason()).isEqualTo("no such file");
    }
}
