package dev.shotover.runtime.config;

/** TLS for connections to a backend. */
public record TlsConnectorConfig(
        String certificateAuthorityPath,
        String certificatePath,
        String privateKeyPath,
        Boolean verifyHostname) {

    public TlsConnectorConfig {
        verifyHostname = verifyHostname == null || verifyHostname;
    }
}
