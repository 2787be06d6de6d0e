package dev.shotover.testsupport;

import java.nio.file.Path;
import java.util.List;

/**
 * A {@code redis-server} child process that serves TLS on {@link #tlsPort()} with certificates from
 * {@link TestCertificates}, and plain text on {@link #plainPort()} (used to see that it is up, and handy for
 * checking what a test wrote).
 *
 * <pre>
 * TestCertificates certs = TestCertificates.generate();
 * try (TlsRedisServer redis = TlsRedisServer.start(certs, false)) {
 *     ... connect over TLS to 127.0.0.1:redis.tlsPort(), trusting certs.caCertificate() ...
 * }
 * </pre>
 *
 * <p>Always the {@code process} strategy of {@link RedisServer}: a container cannot see the certificate files and
 * the embedded binary may be built without TLS. Debian's {@code redis-server} supports {@code --tls-port}.
 * Thread-safe like {@link RedisServer}.
 */
public final class TlsRedisServer implements AutoCloseable {
    private final RedisServer server;
    private final int tlsPort;

    private TlsRedisServer(RedisServer server, int tlsPort) {
        this.server = server;
        this.tlsPort = tlsPort;
    }

    /**
     * Starts the server on free ports.
     *
     * @param requireClientCertificate {@code --tls-auth-clients yes}: clients must present a certificate signed by
     *     the test CA (e.g. {@link TestCertificates#clientCertificate()})
     */
    public static TlsRedisServer start(TestCertificates certificates, boolean requireClientCertificate) {
        return start(certificates, requireClientCertificate, certificates.serverCertificate(),
                certificates.serverKey());
    }

    /**
     * Starts the server presenting {@code certificate} instead of the server certificate, e.g.
     * {@link TestCertificates#wrongHostCertificate()} to test hostname verification.
     */
    public static TlsRedisServer start(TestCertificates certificates, boolean requireClientCertificate,
                                       Path certificate, Path key) {
        int[] ports = FreePort.find(2);
        List<String> args = tlsArguments(certificates, certificate, key, ports[1], requireClientCertificate);
        RedisServer server = RedisServer.start("process", ports[0], args.toArray(String[]::new));
        return new TlsRedisServer(server, ports[1]);
    }

    /** The {@code redis-server} arguments that serve TLS on {@code tlsPort} with the server certificate. */
    static List<String> tlsArguments(TestCertificates certificates, int tlsPort, boolean requireClientCertificate) {
        return tlsArguments(certificates, certificates.serverCertificate(), certificates.serverKey(), tlsPort,
                requireClientCertificate);
    }

    private static List<String> tlsArguments(TestCertificates certificates, Path certificate, Path key, int tlsPort,
                                             boolean requireClientCertificate) {
        return List.of("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", certificate.toString(),
                "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", certificates.caCertificate().toString(),
                "--tls-auth-clients", requireClientCertificate ? "yes" : "no");
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return server.host();
    }

    /** The TLS port. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The plain-text port of the same server. */
    public int plainPort() {
        return server.port();
    }

    /** {@code 127.0.0.1:tlsPort}, for a sink's {@code remote_address}. */
    public String tlsAddress() {
        return host() + ":" + tlsPort;
    }

    /** The underlying server, e.g. to {@link RedisServer#stop()} it. */
    public RedisServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "TlsRedisServer[" + host() + " tls " + tlsPort + ", plain " + plainPort() + "]";
    }
}
