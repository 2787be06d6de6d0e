package dev.shotover.proxy;

import dev.shotover.testsupport.TestCertificates;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * TLS-configured clients for the {@code Tls*IT} tests: Lettuce, Jedis and kafka-clients settings that trust the
 * test CA with full verification (chain and host name), optionally presenting the test client certificate.
 */
final class TlsClients {
    private TlsClients() {
    }

    /** Lettuce over TLS with {@link SslVerifyMode#FULL}, trusting the test CA; with the client certificate if asked. */
    static RedisClient lettuce(TestCertificates certs, InetSocketAddress address, boolean clientCertificate) {
        RedisURI uri = RedisURI.builder().withHost(address.getHostString()).withPort(address.getPort())
                .withSsl(true).withVerifyPeer(SslVerifyMode.FULL).withTimeout(Duration.ofSeconds(10)).build();
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().trustManager(certs.caCertificate().toFile());
        if (clientCertificate) {
            ssl.keyManager(certs.clientCertificate().toFile(), certs.clientKey().toFile(), null);
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().sslOptions(ssl.build()).build());
        return client;
    }

    /** Jedis over TLS, verifying the chain against the test CA and the host name (HTTPS endpoint identification). */
    static Jedis jedis(TestCertificates certs, InetSocketAddress address, boolean clientCertificate) {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return new Jedis(new HostAndPort(address.getHostString(), address.getPort()),
                DefaultJedisClientConfig.builder().ssl(true)
                        .sslSocketFactory(sslContext(certs, clientCertificate).getSocketFactory())
                        .sslParameters(parameters)
                        .socketTimeoutMillis(10_000).connectionTimeoutMillis(10_000).build());
    }

    /** A JDK SSL context trusting only the test CA, with the test client certificate if asked. */
    static SSLContext sslContext(TestCertificates certs, boolean clientCertificate) {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream ca = Files.newInputStream(certs.caCertificate())) {
                trust.setCertificateEntry("ca", x509.generateCertificate(ca));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (clientCertificate) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Certificate certificate;
                try (InputStream in = Files.newInputStream(certs.clientCertificate())) {
                    certificate = x509.generateCertificate(in);
                }
                keys.setKeyEntry("client", pkcs8Key(certs.clientKey()), new char[0], new Certificate[] {certificate});
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey pkcs8Key(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** kafka-clients settings for an SSL connection that trusts the test CA (and presents the client certificate). */
    static Map<String, Object> kafka(TestCertificates certs, boolean clientCertificate) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", "SSL");
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.certificates", certs.caPem());
        settings.put("ssl.endpoint.identification.algorithm", "https");
        if (clientCertificate) {
            settings.put("ssl.keystore.type", "PEM");
            settings.put("ssl.keystore.certificate.chain", certs.clientCertificatePem());
            settings.put("ssl.keystore.key", certs.clientKeyPem());
        }
        return settings;
    }
}
