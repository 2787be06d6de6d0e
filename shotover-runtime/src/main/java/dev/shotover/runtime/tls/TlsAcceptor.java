package dev.shotover.runtime.tls;

import dev.shotover.runtime.config.TlsAcceptorConfig;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The server side of TLS for one source: its certificate chain and key, and, when
 * {@code certificate_authority_path} is set, the CA that client certificates must chain to (client authentication is
 * then required: a client without a valid certificate fails the handshake).
 *
 * <p>Built once per source by {@link #load}; immutable and thread-safe. {@link #install} puts an
 * {@link SslHandler} first in each accepted connection's pipeline, so every protocol's codec sees plain bytes. A
 * failed handshake closes that connection only; it is logged at WARN at most once per
 * 30 s per source (with how many more failed meanwhile) and each time at DEBUG. A client that disconnects before
 * the handshake completes is logged at DEBUG only. A handshake must finish within Netty's default 10 s.
 */
public final class TlsAcceptor {
    /** Name of the {@link SslHandler} in a source pipeline. */
    public static final String HANDLER_NAME = "tls";

    private final SslContext context;
    private final boolean clientAuthentication;
    private final HandshakeFailureLog failures;

    private TlsAcceptor(SslContext context, boolean clientAuthentication, String sourceName) {
        this.context = context;
        this.clientAuthentication = clientAuthentication;
        this.failures = new HandshakeFailureLog(sourceName);
    }

    /**
     * Reads the PEM files of {@code config} and builds the server context.
     *
     * @param sourceName the source's name, for log lines
     * @throws TlsSettingsException naming the setting, its path and what is wrong
     */
    public static TlsAcceptor load(TlsAcceptorConfig config, String sourceName) {
        if (config.certificatePath() == null) {
            throw new TlsSettingsException("certificate_path", null, "missing");
        }
        if (config.privateKeyPath() == null) {
            throw new TlsSettingsException("private_key_path", null, "missing");
        }
        List<X509Certificate> chain = PemFile.read("certificate_path", config.certificatePath()).certificates();
        PrivateKey key = PemFile.read("private_key_path", config.privateKeyPath()).privateKey();
        PemFile.requireMatch("private_key_path", config.privateKeyPath(), key, chain.get(0), "certificate_path");
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK);
        boolean clientAuthentication = config.certificateAuthorityPath() != null;
        if (clientAuthentication) {
            List<X509Certificate> authorities = PemFile.read("certificate_authority_path",
                    config.certificateAuthorityPath()).certificates();
            builder.trustManager(authorities).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return new TlsAcceptor(builder.build(), clientAuthentication, sourceName);
        } catch (SSLException | RuntimeException e) {
            throw new TlsSettingsException("certificate_path", config.certificatePath(),
                    "cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    /** Whether clients must present a certificate signed by {@code certificate_authority_path}. */
    public boolean requiresClientCertificate() {
        return clientAuthentication;
    }

    /** The Netty context (JDK provider), shared by every connection of the source. */
    public SslContext sslContext() {
        return context;
    }

    /**
     * Adds the TLS handler as the first handler of {@code channel}'s pipeline, followed by the handler that reports
     * and contains handshake failures. Call from the channel initializer, before or after adding the codec.
     */
    public void install(Channel channel) {
        SslHandler handler = context.newHandler(channel.alloc());
        channel.pipeline().addFirst(HANDLER_NAME, handler);
        channel.pipeline().addAfter(HANDLER_NAME, HANDLER_NAME + "-handshake", new ClientHandshakeGuard(failures));
    }
}
