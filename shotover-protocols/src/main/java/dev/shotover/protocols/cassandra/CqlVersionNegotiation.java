package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * The answer to a request in a protocol version the proxy does not accept, as Cassandra gives it: a
 * {@code PROTOCOL_ERROR} whose text drivers recognise ("Invalid or unsupported protocol version") so that they retry
 * with a lower version.
 *
 * <p>Like Cassandra 5.0, the error carries stream id 0 (Cassandra rejects the version before reading the stream id;
 * drivers such as gocql look for protocol errors on stream 0), and it is encoded in a version the client can read:
 * a v1 or v2 request gets a v1/v2 envelope (8-byte header, 1-byte stream id); any other gets the highest accepted
 * version not above the requested one, or the lowest accepted; v5 with the beta flag counts as a version below v5.
 *
 * <p>Stateless; safe from any thread.
 */
final class CqlVersionNegotiation {
    private static final int LEGACY_HEADER_LENGTH = 8;

    private CqlVersionNegotiation() {
    }

    /** {@return Cassandra's list of the accepted versions, e.g. {@code 3/v3, 4/v4, 5/v5}} */
    static String supportedVersions(int maxVersion) {
        StringJoiner list = new StringJoiner(", ");
        for (int v = CqlCodecOptions.MIN_PROTOCOL_VERSION; v <= maxVersion; v++) {
            list.add(v + "/v" + v);
        }
        return list.toString();
    }

    /** {@return the error text for a requested version} */
    static String message(int requestedVersion, int maxVersion) {
        return "Invalid or unsupported protocol version (" + requestedVersion + "); supported versions are ("
                + supportedVersions(maxVersion) + ")";
    }

    /** {@return the version the error is encoded in} */
    static int replyVersion(int requestedVersion, boolean beta, int maxVersion) {
        if (requestedVersion == 1 || requestedVersion == 2) {
            return requestedVersion;
        }
        int highestReadable = beta ? requestedVersion - 1 : requestedVersion;
        return Math.max(CqlCodecOptions.MIN_PROTOCOL_VERSION, Math.min(highestReadable, maxVersion));
    }

    /**
     * {@return the complete error envelope, owned by the caller}
     *
     * @param requestedVersion the version of the rejected request
     * @param beta             whether the request had the beta flag
     * @param maxVersion       the highest accepted version
     */
    static ByteBuf reply(ByteBufAllocator alloc, int requestedVersion, boolean beta, int maxVersion) {
        byte[] text = message(requestedVersion, maxVersion).getBytes(StandardCharsets.UTF_8);
        int bodyLength = 4 + 2 + text.length;
        int version = replyVersion(requestedVersion, beta, maxVersion);
        ByteBuf out;
        if (version < CqlCodecOptions.MIN_PROTOCOL_VERSION) {
            out = alloc.buffer(LEGACY_HEADER_LENGTH + bodyLength);
            out.writeByte(version | CqlEnvelopes.RESPONSE_BIT);
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(ProtocolConstants.Opcode.ERROR);
            out.writeInt(bodyLength);
        } else {
            out = alloc.buffer(CqlEnvelopes.HEADER_LENGTH + bodyLength);
            CqlEnvelopes.writeHeader(out, version | CqlEnvelopes.RESPONSE_BIT, 0, 0, ProtocolConstants.Opcode.ERROR,
                    bodyLength);
        }
        out.writeInt(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
        out.writeShort(text.length);
        out.writeBytes(text);
        return out;
    }
}
