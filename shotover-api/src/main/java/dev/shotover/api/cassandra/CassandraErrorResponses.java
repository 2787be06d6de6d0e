package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.Error;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import io.netty.buffer.ByteBuf;

/**
 * Protocol-native error responses for CQL requests (behind {@link Message#errorResponse}):
 * {@link ErrorKind#INTERNAL} → {@code Server error}, {@link ErrorKind#REJECTED} → {@code Invalid},
 * {@link ErrorKind#OVERLOADED} → {@code Overloaded}. The response carries the request's protocol version and stream
 * id, read from the envelope header without decoding the body.
 *
 * <p>Stateless; safe from any thread.
 */
public final class CassandraErrorResponses {
    private CassandraErrorResponses() {
    }

    /**
     * {@return an ERROR response to {@code request} whose {@code requestId} is the request's id}
     *
     * @param request a CQL request
     * @param kind    what kind of failure it reports
     * @param text    the error text
     */
    public static Message errorResponse(Message request, ErrorKind kind, String text) {
        ByteBuf raw = request.rawBytes();
        int version;
        int streamId;
        if (raw != null && raw.readableBytes() >= 4) {
            // header: version byte (high bit = response), flags, 2-byte stream id
            version = raw.getByte(raw.readerIndex()) & 0x7F;
            streamId = raw.getShort(raw.readerIndex() + 2);
        } else {
            CassandraFrame frame = request.frame(CassandraFrame.class);
            version = frame.version();
            streamId = frame.streamId();
        }
        return Message.responseTo(request, CassandraFrame.responseTo(version, streamId, new Error(code(kind), text)));
    }

    /**
     * {@return the CQL error code of an error kind}
     *
     * @param kind the kind of failure
     */
    public static int code(ErrorKind kind) {
        return switch (kind) {
            case INTERNAL -> ProtocolConstants.ErrorCode.SERVER_ERROR;
            case REJECTED -> ProtocolConstants.ErrorCode.INVALID;
            case OVERLOADED -> ProtocolConstants.ErrorCode.OVERLOADED;
        };
    }
}
