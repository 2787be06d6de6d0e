package dev.shotover.runtime.tls;

import dev.shotover.runtime.config.TlsAcceptorConfig;
import dev.shotover.runtime.config.TlsConnectorConfig;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of the PEM fixtures in {@code src/test/resources/dev/shotover/runtime/tls} (see the README there). */
final class TlsFixtures {
    private TlsFixtures() {
    }

    static String path(String name) {
        URL url = TlsFixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name);
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TlsAcceptorConfig server(String certificate, String key, String clientCa) {
        return new TlsAcceptorConfig(path(certificate), path(key), clientCa == null ? null : path(clientCa));
    }

    static TlsConnectorConfig client(String ca, boolean verifyHostname) {
        return new TlsConnectorConfig(path(ca), null, null, verifyHostname);
    }

    static TlsConnectorConfig clientWithCertificate(String ca) {
        return new TlsConnectorConfig(path(ca), path("client.pem"), path("client.key"), true);
    }
}
