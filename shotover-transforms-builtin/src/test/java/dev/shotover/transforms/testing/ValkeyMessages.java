package dev.shotover.transforms.testing;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds Valkey request messages, generated or from raw bytes, and reads responses back. */
public final class ValkeyMessages {
    private ValkeyMessages() {
    }

    /** A generated request, e.g. {@code command("SET", "k", "v")}. */
    public static Message command(String... parts) {
        return Message.fromFrame(ValkeyFrame.command(parts));
    }

    /**
     * A request as a codec would make it: raw bytes parsed lazily by {@link TinyRespParser}. The message owns a
     * buffer: release it ({@link Message#release()}) at the end of the test.
     */
    public static Message raw(String resp) {
        return Message.fromRaw(Protocol.VALKEY, Unpooled.copiedBuffer(resp, StandardCharsets.UTF_8),
                TinyRespParser.INSTANCE, System.nanoTime());
    }

    /** The RESP bytes of a command as clients send it. */
    public static String resp(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String part : parts) {
            sb.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
        }
        return sb.toString();
    }

    /** A mutable batch, as the runtime hands it to the first transform. */
    public static List<Message> batch(Message... messages) {
        return new ArrayList<>(List.of(messages));
    }

    /** A short rendering of a response for assertions: {@code bulk:<text>}, {@code error:<text>} or the frame. */
    public static String render(Message response) {
        ValkeyFrame frame = response.frame(ValkeyFrame.class);
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return "bulk:" + bulk.asString();
        }
        if (frame instanceof ValkeyFrame.Error error) {
            return "error:" + error.message();
        }
        return frame.toString();
    }

    public static void releaseAll(List<Message> messages) {
        messages.forEach(Message::release);
    }
}
