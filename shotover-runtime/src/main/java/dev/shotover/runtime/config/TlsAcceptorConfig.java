package dev.shotover.runtime.config;

import dev.shotover.api.config.Required;

/**
 * TLS for client connections ({@code tls:} of a source). {@code certificate_authority_path} turns on
 * client-certificate authentication.
 *
 * @param certificatePath PEM certificate chain presented to clients
 * @param privateKeyPath PEM key of {@code certificatePath}
 * @param certificateAuthorityPath PEM CA that client certificates must be signed by; null to not ask for one
 */
public record TlsAcceptorConfig(
        @Required String certificatePath,
        @Required String privateKeyPath,
        String certificateAuthorityPath) {
}
