package dev.shotover.transforms.scatter;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespEncoder;
import dev.shotover.protocols.valkey.RespFrameParser;
import dev.shotover.transforms.valkey.timestamp.LastModified;
import io.netty.buffer.Unpooled;

/** Valkey responses as routes return them: raw bytes as a sink reads them, or generated frames. */
final class Replies {
    private Replies() {
    }

    /** A response read from the network: owns a buffer, parsed lazily by the real RESP parser. */
    static Message raw(Message request, ValkeyFrame frame) {
        Message response = Message.fromRaw(Protocol.VALKEY, RespEncoder.encode(frame, Unpooled.buffer().alloc()),
                RespFrameParser.INSTANCE, 0L);
        response.setRequestId(request.id());
        return response;
    }

    static Message rawBulk(Message request, String value) {
        return raw(request, ValkeyFrame.bulk(value));
    }

    static Message rawError(Message request, String text) {
        return raw(request, ValkeyFrame.error(text));
    }

    /** A bulk string carrying a last-modified time, as a tagger with attach_timestamp returns it. */
    static Message stamped(Message request, String value, long micros) {
        return Message.responseTo(request, LastModified.attach(ValkeyFrame.bulk(value), micros));
    }

    /** The bulk string or error text of a response (without its last-modified time), for assertions. */
    static String text(Message response) {
        ValkeyFrame frame = LastModified.strip(response.frame(ValkeyFrame.class));
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return bulk.asString();
        }
        if (frame instanceof ValkeyFrame.Error error) {
            return "-" + error.message();
        }
        return frame.toString();
    }

    /** Whether the response's buffer was released (generated responses have none and count as released). */
    static boolean released(Message response) {
        return response.rawBytes() == null;
    }
}
