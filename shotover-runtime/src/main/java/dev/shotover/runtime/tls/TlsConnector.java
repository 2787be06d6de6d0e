package dev.shotover.runtime.tls;

import dev.shotover.runtime.config.TlsConnectorConfig;
import dev.shotover.runtime.net.HostAndPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The client side of TLS for one sink: which CAs to trust (those in {@code certificate_authority_path}, or the JDK's
 * default trust store when it is not set), an optional client certificate for backends that require one, and
 * whether the backend's certificate must name the host connected to.
 *
 * <p>{@code verify_hostname: true} (the default) turns on the JDK's HTTPS endpoint identification with the
 * destination as given ({@code host:port} of the sink, or the node address a cluster reported), so the certificate
 * needs a DNS or IP subject alternative name matching it. {@code false} skips only that check: the chain must still
 * lead to a trusted CA.
 *
 * <p>Built once per sink configuration by {@link #load}; immutable and thread-safe. {@link #newHandler} makes one
 * {@link SslHandler} per backend connection.
 */
public final class TlsConnector {
    private final SslContext context;
    private final boolean verifyHostname;

    private TlsConnector(SslContext context, boolean verifyHostname) {
        this.context = context;
        this.verifyHostname = verifyHostname;
    }

    /**
     * A sink's {@code tls:} setting as its builder keeps it: the connector, or why there is none. Builders load it
     * when constructed and report the problem from {@code validate()}, so every broken setting is reported at once.
     *
     * @param connector the connector; null for plain TCP or when the settings are broken
     * @param problem   what is wrong with the settings, or null
     */
    public record Setting(TlsConnector connector, String problem) {
    }

    /**
     * {@return the loaded setting: plain TCP for a null config, else the connector or the problem}
     *
     * @param config the sink's {@code tls:} map, or null
     */
    public static Setting setting(TlsConnectorConfig config) {
        if (config == null) {
            return new Setting(null, null);
        }
        try {
            return new Setting(load(config), null);
        } catch (TlsSettingsException e) {
            return new Setting(null, e.getMessage());
        }
    }

    /**
     * Reads the PEM files of {@code config} and builds the client context.
     *
     * @throws TlsSettingsException naming the setting, its path and what is wrong
     */
    public static TlsConnector load(TlsConnectorConfig config) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                // Netty 4.2 already defaults to HTTPS for clients; stated so the setting's meaning is visible here
                .endpointIdentificationAlgorithm(config.verifyHostname() ? "HTTPS" : null);
        if (config.certificateAuthorityPath() != null) {
            builder.trustManager(PemFile.read("certificate_authority_path", config.certificateAuthorityPath())
                    .certificates());
        }
        if ((config.certificatePath() == null) != (config.privateKeyPath() == null)) {
            String missing = config.certificatePath() == null ? "certificate_path" : "private_key_path";
            String given = config.certificatePath() == null ? "private_key_path" : "certificate_path";
            throw new TlsSettingsException(missing, null, "missing: " + given + " is set, and a client certificate "
                    + "needs both certificate_path and private_key_path");
        }
        if (config.certificatePath() != null) {
            List<X509Certificate> chain = PemFile.read("certificate_path", config.certificatePath()).certificates();
            PrivateKey key = PemFile.read("private_key_path", config.privateKeyPath()).privateKey();
            PemFile.requireMatch("private_key_path", config.privateKeyPath(), key, chain.get(0), "certificate_path");
            builder.keyManager(key, chain);
        }
        try {
            return new TlsConnector(builder.build(), config.verifyHostname());
        } catch (SSLException | RuntimeException e) {
            String field = config.certificatePath() != null ? "certificate_path" : "certificate_authority_path";
            String path = config.certificatePath() != null ? config.certificatePath()
                    : config.certificateAuthorityPath();
            throw new TlsSettingsException(field, path, "cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    /** Whether the backend's certificate must name the host connected to. */
    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** The Netty context (JDK provider), shared by every connection of the sink. */
    public SslContext sslContext() {
        return context;
    }

    /**
     * A handler for a new connection to {@code destination}: the host is what the certificate is checked against
     * (and the SNI name when it is a host name), and the handshake fails after {@code handshakeTimeoutMs}.
     */
    public SslHandler newHandler(ByteBufAllocator allocator, HostAndPort destination, long handshakeTimeoutMs) {
        SslHandler handler = context.newHandler(allocator, destination.host(), destination.port());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    /** Whether {@code cause} (from a backend connection's pipeline) is a refused or failed TLS handshake. */
    public static boolean isHandshakeFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SslHandshakeTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a handshake with a backend failed, as one line for the error the client gets, e.g. {@code TLS handshake
     * failed: PKIX path building failed: ...} or {@code TLS handshake failed: No subject alternative names matching
     * IP address 127.0.0.1 found}.
     */
    public static String describeHandshakeFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslHandshakeTimeoutException) {
                return "TLS handshake failed: " + t.getMessage();
            }
        }
        if (HandshakeFailureLog.isDisconnect(cause)) {
            return "TLS handshake failed: the destination closed the connection during the handshake"
                    + " (is it a TLS port? does it require a client certificate?)";
        }
        return "TLS handshake failed: " + HandshakeFailureLog.reason(cause);
    }
}
