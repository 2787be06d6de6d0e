package dev.shotover.transforms.valkey.timestamp;

import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a reply carries the time its key was last written, between {@link RedisTimestampTagger} and a transform
 * up-chain that reads it (ConsistentScatter, or a custom transform): a RESP3 attribute on the reply,
 *
 * <pre>{@code
 * |1\r\n
 * $29\r\nshotover-last-modified-micros\r\n
 * :1718000000123456\r\n
 * <the reply>
 * }</pre>
 *
 * <p>i.e. {@code ValkeyFrame.Attribute([bulk "shotover-last-modified-micros", integer µs], reply)}. RESP3 attributes
 * are metadata about the reply that follows, which is exactly what this is, so no new message type is needed. The
 * value is microseconds since the Unix epoch on the proxy's clock ({@link LastModifiedClock}). A reader should
 * {@link #strip} the attribute before the reply goes to a client: RESP2 clients cannot parse attributes.
 *
 * <p>Stateless; safe from any thread.
 */
public final class LastModified {

    /** The attribute key the time is stored under. */
    public static final String ATTRIBUTE_KEY = "shotover-last-modified-micros";

    private static final ValkeyFrame.BulkString KEY = ValkeyFrame.bulk(ATTRIBUTE_KEY);

    private LastModified() {
    }

    /**
     * {@return {@code reply} with its last-modified time attached}
     *
     * @param reply  the reply the time describes
     * @param micros microseconds since the Unix epoch
     */
    public static ValkeyFrame attach(ValkeyFrame reply, long micros) {
        Objects.requireNonNull(reply);
        return new ValkeyFrame.Attribute(List.of(KEY, new ValkeyFrame.Integer(micros)), reply);
    }

    /**
     * {@return the last-modified time attached to {@code frame}, or empty when it carries none}
     *
     * @param frame a reply, possibly with attributes
     */
    public static OptionalLong read(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.Attribute attribute) {
            List<ValkeyFrame> entries = attribute.keysAndValues();
            for (int i = 0; i + 1 < entries.size(); i += 2) {
                if (isKey(entries.get(i)) && entries.get(i + 1) instanceof ValkeyFrame.Integer micros) {
                    return OptionalLong.of(micros.value());
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * {@return {@code frame} without the last-modified attribute} Other attributes are kept; when none is left the
     * bare reply is returned. A frame without the attribute is returned as it is.
     *
     * @param frame a reply, possibly with attributes
     */
    public static ValkeyFrame strip(ValkeyFrame frame) {
        if (!(frame instanceof ValkeyFrame.Attribute attribute)) {
            return frame;
        }
        List<ValkeyFrame> entries = attribute.keysAndValues();
        List<ValkeyFrame> kept = new ArrayList<>(entries.size());
        for (int i = 0; i + 1 < entries.size(); i += 2) {
            if (!isKey(entries.get(i))) {
                kept.add(entries.get(i));
                kept.add(entries.get(i + 1));
            }
        }
        if (kept.size() == entries.size()) {
            return frame;
        }
        return kept.isEmpty() ? attribute.reply() : new ValkeyFrame.Attribute(kept, attribute.reply());
    }

    private static boolean isKey(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return bulk.equals(KEY);
        }
        return frame instanceof ValkeyFrame.SimpleString simple && simple.value().equals(ATTRIBUTE_KEY);
    }
}
