package dev.shotover.runtime.config;

/**
 * TLS for connections to a backend ({@code tls:} of a sink).
 *
 * @param certificateAuthorityPath PEM file of the CA that signed the backend's certificate; null to trust the JDK's
 *     default trust store
 * @param certificatePath PEM client certificate, for backends that authenticate clients; null for none
 * @param privateKeyPath PEM key of {@code certificatePath}; null for none
 * @param verifyHostname whether the backend's certificate must name the host connected to (default true)
 */
public record TlsConnectorConfig(
        String certificateAuthorityPath,
        String certificatePath,
        String privateKeyPath,
        Boolean verifyHostname) {

    public TlsConnectorConfig {
        verifyHostname = verifyHostname == null || verifyHostname;
    }
}
