package dev.shotover.runtime.config;

import dev.shotover.api.config.Required;

/**
 * TLS for client connections. {@code certificate_authority_path} turns on client-certificate authentication.
 */
public record TlsAcceptorConfig(
        @Required String certificatePath,
        @Required String privateKeyPath,
        String certificateAuthorityPath) {
}
