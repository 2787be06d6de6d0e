package dev.shotover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and the certificates it signed, written as PEM files into a new temporary
 * directory (deleted when the JVM exits):
 *
 * <ul>
 *   <li>{@code ca.pem}: the CA certificate ("Shotover Test CA"); trust it to verify everything below;</li>
 *   <li>{@code server.pem} / {@code server.key}: CN=localhost with subject alternative names {@code localhost},
 *       {@code 127.0.0.1}, {@code 127.0.0.2} and {@code 127.0.0.3}, usable for server and client authentication
 *       (Kafka brokers use it both ways between each other);</li>
 *   <li>{@code client.pem} / {@code client.key}: CN=client, for client authentication (mTLS);</li>
 *   <li>{@code wrong-host.pem} / {@code wrong-host.key}: signed by the same CA but naming only
 *       {@code wrong-host.invalid} and {@code 10.255.255.1}, so hostname verification against 127.0.0.1 or
 *       localhost fails while the chain is trusted.</li>
 * </ul>
 *
 * <p>Keys are EC P-256 (fast to generate) in unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), which the proxy,
 * redis-server and Kafka all read. Certificates are valid from an hour ago for a year.
 *
 * <pre>
 * static final TestCertificates certs = TestCertificates.generate();
 * ... certs.caCertificate(), certs.serverCertificate(), certs.serverKey() ...
 * </pre>
 *
 * <p>Immutable and thread-safe once generated; generating takes well under a second.
 */
public final class TestCertificates {
    /** The hosts the server certificate names. */
    public static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1", "127.0.0.2", "127.0.0.3");

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String caPem;
    private final String serverCertificatePem;
    private final String serverKeyPem;
    private final String clientCertificatePem;
    private final String clientKeyPem;

    private TestCertificates(Path dir, String caPem, String serverCertificatePem, String serverKeyPem,
                             String clientCertificatePem, String clientKeyPem) {
        this.dir = dir;
        this.caPem = caPem;
        this.serverCertificatePem = serverCertificatePem;
        this.serverKeyPem = serverKeyPem;
        this.clientCertificatePem = clientCertificatePem;
        this.clientKeyPem = clientKeyPem;
    }

    /** Generates a new CA and certificates into a new temporary directory. */
    public static TestCertificates generate() {
        Path dir = TestFiles.newTempDir("shotover-tls-");
        DeleteAtExit.register(dir);
        return generate(dir);
    }

    /** Generates a new CA and certificates into {@code dir}, which must exist; files there are overwritten. */
    public static TestCertificates generate(Path dir) {
        try {
            KeyPair caKeys = newKeyPair();
            X500Name caName = new X500Name("CN=Shotover Test CA");
            X509v3CertificateBuilder ca = builder(caName, caName, caKeys);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = sign(ca, caKeys.getPrivate());

            KeyPair serverKeys = newKeyPair();
            X509Certificate server = leaf(caCertificate, caKeys.getPrivate(), "CN=localhost", serverKeys,
                    SERVER_NAMES, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
            KeyPair clientKeys = newKeyPair();
            X509Certificate client = leaf(caCertificate, caKeys.getPrivate(), "CN=client", clientKeys, List.of(),
                    KeyPurposeId.id_kp_clientAuth);
            KeyPair wrongHostKeys = newKeyPair();
            X509Certificate wrongHost = leaf(caCertificate, caKeys.getPrivate(), "CN=wrong-host.invalid",
                    wrongHostKeys, List.of("wrong-host.invalid", "10.255.255.1"), KeyPurposeId.id_kp_serverAuth);

            TestCertificates certificates = new TestCertificates(dir, pem("CERTIFICATE", caCertificate.getEncoded()),
                    pem("CERTIFICATE", server.getEncoded()), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()),
                    pem("CERTIFICATE", client.getEncoded()), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));
            write(dir.resolve("ca.pem"), certificates.caPem);
            write(dir.resolve("server.pem"), certificates.serverCertificatePem);
            write(dir.resolve("server.key"), certificates.serverKeyPem);
            write(dir.resolve("client.pem"), certificates.clientCertificatePem);
            write(dir.resolve("client.key"), certificates.clientKeyPem);
            write(dir.resolve("wrong-host.pem"), pem("CERTIFICATE", wrongHost.getEncoded()));
            write(dir.resolve("wrong-host.key"), pem("PRIVATE KEY", wrongHostKeys.getPrivate().getEncoded()));
            return certificates;
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("could not generate test certificates: " + e.getMessage(), e);
        }
    }

    /** The directory holding the files. */
    public Path dir() {
        return dir;
    }

    /** {@code ca.pem}: the CA certificate that signed every other certificate here. */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** {@code server.pem}: names localhost and 127.0.0.1 to 127.0.0.3. */
    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    /** {@code server.key}: the key of {@link #serverCertificate()}, PKCS#8 PEM. */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** {@code client.pem}: a client certificate (CN=client). */
    public Path clientCertificate() {
        return dir.resolve("client.pem");
    }

    /** {@code client.key}: the key of {@link #clientCertificate()}, PKCS#8 PEM. */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** {@code wrong-host.pem}: trusted, but names only wrong-host.invalid and 10.255.255.1. */
    public Path wrongHostCertificate() {
        return dir.resolve("wrong-host.pem");
    }

    /** {@code wrong-host.key}: the key of {@link #wrongHostCertificate()}. */
    public Path wrongHostKey() {
        return dir.resolve("wrong-host.key");
    }

    /** The text of {@code ca.pem}, for settings that take PEM inline (Kafka's {@code ssl.truststore.certificates}). */
    public String caPem() {
        return caPem;
    }

    /** The text of {@code server.pem}. */
    public String serverCertificatePem() {
        return serverCertificatePem;
    }

    /** The text of {@code server.key}. */
    public String serverKeyPem() {
        return serverKeyPem;
    }

    /** The text of {@code client.pem}. */
    public String clientCertificatePem() {
        return clientCertificatePem;
    }

    /** The text of {@code client.key}. */
    public String clientKeyPem() {
        return clientKeyPem;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), subject,
                keys.getPublic());
    }

    private static X509Certificate leaf(X509Certificate ca, PrivateKey caKey, String subject, KeyPair keys,
                                        List<String> names, KeyPurposeId... purposes)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name(subject), keys);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(keys.getPublic()));
        if (!names.isEmpty()) {
            GeneralName[] alternatives = new GeneralName[names.size()];
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                boolean ip = name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
                alternatives[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        }
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Deletes generated directories when the JVM exits. */
    private static final class DeleteAtExit {
        private static final java.util.Set<Path> DIRS = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> DIRS.forEach(TestFiles::deleteRecursively),
                    "test-certificates-cleanup"));
        }

        static void register(Path dir) {
            DIRS.add(dir);
        }
    }
}
