package dev.shotover.runtime.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough ASN.1 DER to turn the traditional OpenSSL key formats (PKCS#1 RSA, SEC1 EC) into the PKCS#8 form the
 * JDK's {@link java.security.KeyFactory} reads. Not a general DER library: it handles definite lengths only, which
 * is all DER allows.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} constructed, context-specific: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    /** 1.2.840.113549.1.1.1 */
    static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01,
        0x01, 0x01};
    /** 1.2.840.10045.2.1 */
    static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    private Der() {
    }

    /** One tag-length-value inside {@code data}. */
    record Element(byte[] data, int tag, int start, int contentStart, int end) {
        byte[] encoded() {
            return Arrays.copyOfRange(data, start, end);
        }

        /** The elements directly inside this constructed element. */
        java.util.List<Element> children() {
            java.util.List<Element> children = new java.util.ArrayList<>();
            int at = contentStart;
            while (at < end) {
                Element child = read(data, at, end);
                children.add(child);
                at = child.end();
            }
            return children;
        }
    }

    /** Reads the element starting at {@code at}, which must end by {@code limit}. */
    static Element read(byte[] data, int at, int limit) {
        if (at + 2 > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        int tag = data[at] & 0xFF;
        int first = data[at + 1] & 0xFF;
        int contentStart = at + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 4 || contentStart + octets > limit) {
                throw new IllegalArgumentException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (data[contentStart + i] & 0xFF);
            }
            contentStart += octets;
        }
        if (contentStart + length > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        return new Element(data, tag, at, contentStart, (int) (contentStart + length));
    }

    static byte[] tlv(int tag, byte[]... contents) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : contents) {
            content.writeBytes(part);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** PKCS#8 {@code PrivateKeyInfo} around a key of the algorithm {@code algorithmIdentifier} describes. */
    static byte[] privateKeyInfo(byte[] algorithmIdentifier, byte[] privateKey) {
        return tlv(SEQUENCE, tlv(INTEGER, new byte[] {0}), algorithmIdentifier, tlv(OCTET_STRING, privateKey));
    }
}
