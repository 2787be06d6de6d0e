package dev.shotover.runtime.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files, read with the JDK alone.
 *
 * <p>Keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519/Ed448, RSASSA-PSS, DSA), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}, named curves). Encrypted keys are
 * refused: there is no password setting. Every failure is a {@link TlsSettingsException} for the setting the file
 * came from.
 */
final class PemFile {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA"};

    private final String field;
    private final String path;
    private final List<Block> blocks;

    /** One {@code -----BEGIN label-----} section. */
    private record Block(String label, String body) {
    }

    private PemFile(String field, String path, List<Block> blocks) {
        this.field = field;
        this.path = path;
        this.blocks = blocks;
    }

    /** Reads {@code path}, the value of the {@code tls.<field>} setting. */
    static PemFile read(String field, String path) {
        byte[] bytes;
        try {
            Path file = Path.of(path);
            if (Files.isDirectory(file)) {
                throw new TlsSettingsException(field, path, "is a directory, not a PEM file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsSettingsException(field, path, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsSettingsException(field, path, "permission denied", e);
        } catch (InvalidPathException e) {
            throw new TlsSettingsException(field, path, "not a valid path: " + e.getReason(), e);
        } catch (IOException e) {
            throw new TlsSettingsException(field, path, "cannot be read: " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), matcher.group(2)));
        }
        if (blocks.isEmpty()) {
            throw new TlsSettingsException(field, path, bytes.length == 0 ? "the file is empty"
                    : "not a PEM file (no -----BEGIN ...----- / -----END ...----- block)");
        }
        return new PemFile(field, path, blocks);
    }

    /** Every {@code CERTIFICATE} block, in file order (leaf first for a chain). */
    List<X509Certificate> certificates() {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (Block block : blocks) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            byte[] der = decode(block);
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException e) {
                throw new TlsSettingsException(field, path, "certificate " + (certificates.size() + 1)
                        + " is not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsSettingsException(field, path, "no certificate in the file (expected -----BEGIN CERTIFICATE-----"
                    + ", found " + labels() + ")");
        }
        return certificates;
    }

    /** The first private key in the file. */
    PrivateKey privateKey() {
        for (Block block : blocks) {
            switch (block.label()) {
                case "PRIVATE KEY":
                    if (block.body().contains("Proc-Type:")) {
                        throw encrypted();
                    }
                    return pkcs8(decode(block));
                case "RSA PRIVATE KEY":
                    if (block.body().contains("Proc-Type:")) {
                        throw encrypted();
                    }
                    return fromPkcs8("RSA", Der.privateKeyInfo(
                            Der.tlv(Der.SEQUENCE, Der.RSA_ENCRYPTION, Der.tlv(Der.NULL)), decode(block)));
                case "EC PRIVATE KEY":
                    if (block.body().contains("Proc-Type:")) {
                        throw encrypted();
                    }
                    return sec1(decode(block));
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted();
                default:
                    // certificates and EC PARAMETERS may share the file with the key
            }
        }
        throw new TlsSettingsException(field, path, "no private key in the file (expected -----BEGIN PRIVATE KEY-----, "
                + "RSA PRIVATE KEY or EC PRIVATE KEY; found " + labels() + ")");
    }

    private TlsSettingsException encrypted() {
        return new TlsSettingsException(field, path, "the private key is encrypted, which is not supported (there is "
                + "no password setting); store it unencrypted, e.g. openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
    }

    private PrivateKey pkcs8(byte[] der) {
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                last = e instanceof GeneralSecurityException g ? g : new InvalidKeySpecException(e);
            }
        }
        throw new TlsSettingsException(field, path, "not a PKCS#8 private key of an algorithm the JDK supports "
                + "(RSA, EC, EdDSA, RSASSA-PSS, DSA): " + last.getMessage(), last);
    }

    private PrivateKey fromPkcs8(String algorithm, byte[] der) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsSettingsException(field, path, "not a valid " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /** SEC1 {@code ECPrivateKey}: the curve comes from its {@code [0]} parameters. */
    private PrivateKey sec1(byte[] der) {
        byte[] curve = null;
        try {
            Der.Element key = Der.read(der, 0, der.length);
            if (key.tag() != Der.SEQUENCE) {
                throw new IllegalArgumentException("not a SEQUENCE");
            }
            for (Der.Element child : key.children()) {
                if (child.tag() == Der.CONTEXT_0) {
                    Der.Element parameters = Der.read(der, child.contentStart(), child.end());
                    if (parameters.tag() == Der.OID) {
                        curve = parameters.encoded();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new TlsSettingsException(field, path, "not a valid EC private key: " + e.getMessage(), e);
        }
        if (curve == null) {
            throw new TlsSettingsException(field, path, "the EC private key does not name its curve, which is not "
                    + "supported; convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        return fromPkcs8("EC", Der.privateKeyInfo(Der.tlv(Der.SEQUENCE, Der.EC_PUBLIC_KEY, curve), der));
    }

    private byte[] decode(Block block) {
        try {
            return Base64.getMimeDecoder().decode(block.body().strip());
        } catch (IllegalArgumentException e) {
            throw new TlsSettingsException(field, path, "the " + block.label() + " block is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    private String labels() {
        List<String> labels = new ArrayList<>();
        for (Block block : blocks) {
            labels.add(block.label());
        }
        return String.join(", ", labels);
    }

    /**
     * Fails unless {@code key} is the private key of {@code certificate}: the JDK would accept the mismatch and
     * every handshake would fail later with a far less helpful error. Proven by signing and verifying a nonce.
     */
    static void requireMatch(String keyField, String keyPath, PrivateKey key, X509Certificate certificate,
                             String certificateField) {
        String signature = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (signature == null) {
            return;
        }
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(nonce);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(publicKey);
            verifier.update(nonce);
            matches = verifier.verify(signed);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsSettingsException(keyField, keyPath, "the private key does not belong to the certificate in "
                    + certificateField + " (" + certificate.getSubjectX500Principal().getName() + ")");
        }
    }
}
