package dev.shotover.transforms.tee;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespFrameParser;
import dev.shotover.transforms.testing.ValkeyMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages backed by real buffers, as the codecs make them, so that tests can check that every buffer is released:
 * each buffer made here is remembered and {@link #unreleased()} lists the live ones.
 */
final class TeeMessages {
    private final List<ByteBuf> buffers = new ArrayList<>();

    /** A request as the source codec makes it, e.g. {@code request("SET", "k", "v")}. */
    Message request(String... parts) {
        Message message = ValkeyMessages.raw(ValkeyMessages.resp(parts));
        buffers.add(message.rawBytes());
        return message;
    }

    /** A response read from a backend: raw RESP bytes answering {@code request}. */
    Message response(Message request, String resp) {
        ByteBuf raw = Unpooled.copiedBuffer(resp, StandardCharsets.UTF_8);
        buffers.add(raw);
        Message message = Message.fromRaw(Protocol.VALKEY, raw, RespFrameParser.INSTANCE, System.nanoTime());
        message.setRequestId(request == null ? null : request.id());
        return message;
    }

    /** A bulk-string response to {@code request}: {@code $len\r\ntext\r\n}. */
    Message bulk(Message request, String text) {
        return response(request, "$" + text.length() + "\r\n" + text + "\r\n");
    }

    /** Buffers made here that are still referenced. */
    List<ByteBuf> unreleased() {
        List<ByteBuf> live = new ArrayList<>();
        for (ByteBuf buffer : buffers) {
            if (buffer.refCnt() > 0) {
                live.add(buffer);
            }
        }
        return live;
    }

    /** How a test reads a response: {@code bulk:<text>}, {@code error:<text>} or the frame. */
    static String render(Message response) {
        return ValkeyMessages.render(response);
    }

    static List<String> renderAll(List<Message> responses) {
        List<String> rendered = new ArrayList<>();
        for (Message response : responses) {
            rendered.add(render(response));
        }
        return rendered;
    }

    /** Releases what a client would have been sent. */
    static void releaseAll(List<Message> messages) {
        messages.forEach(Message::release);
    }

    static ValkeyFrame.BulkString bulkFrame(String text) {
        return ValkeyFrame.bulk(text);
    }
}
