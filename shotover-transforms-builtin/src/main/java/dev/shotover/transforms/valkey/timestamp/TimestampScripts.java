package dev.shotover.transforms.valkey.timestamp;

import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Lua scripts {@link RedisTimestampTagger} wraps commands in, the companion keys that hold the timestamps, and
 * the shape of the scripts' replies.
 *
 * <p><b>Companion keys.</b> The last-modified time of key {@code k} lives in the string key
 * {@code __shotover_ts__:{k}} (or {@code __shotover_ts__:k} when {@code k} has a hash tag of its own), so that it
 * hashes to the same cluster slot as {@code k}. Only keys that contain a {@code }} without forming a hash tag end
 * up in another slot, which matters behind a cluster sink only.
 *
 * <p><b>Wrapped command.</b> {@code CMD a b c} with keys {@code k1..kn} becomes
 * <pre>
 *   EVAL &lt;read script&gt;  2n k1..kn c1..cn        CMD a b c     (reads)
 *   EVAL &lt;write script&gt; 2n k1..kn c1..cn  micros CMD a b c     (writes)
 * </pre>
 * The read script runs the command and returns {@code [companion value or nil, reply]}. The write script runs the
 * command and, unless it failed, sets every companion to {@code micros} with the key's remaining time to live (so
 * a companion expires with its key; after {@code DEL} it stays as a tombstone that outdates the deleted value on
 * servers that missed the delete), then returns {@code [micros, reply]}. A command that fails returns its error
 * reply unchanged ({@code redis.pcall}) and writes no timestamp; when a companion cannot be written the write
 * script returns {@code [nil, reply]}.
 *
 * <p>Stateless; safe from any thread.
 */
final class TimestampScripts {

    /** The prefix of every companion key; keys starting with it are the tagger's. */
    static final String COMPANION_PREFIX = "__shotover_ts__:";

    /**
     * More arguments than this are not wrapped: Lua's {@code unpack} has a hard limit of about 8000 values, and
     * the command would fail inside the script.
     */
    static final int MAX_WRAPPED_ARGUMENTS = 4000;

    static final String READ_SCRIPT = String.join(" ",
            "local r = redis.pcall(unpack(ARGV))",
            "if type(r) == 'table' and r.err then return r end",
            "local t = redis.pcall('GET', KEYS[2])",
            "if type(t) ~= 'string' then t = false end",
            "return {t, r}");

    static final String WRITE_SCRIPT = String.join(" ",
            "local r = redis.pcall(unpack(ARGV, 2))",
            "if type(r) == 'table' and r.err then return r end",
            "local n = #KEYS / 2",
            "local t = ARGV[1]",
            "for i = 1, n do",
            "local ttl = redis.call('PTTL', KEYS[i])",
            "local s",
            "if ttl > 0 then s = redis.pcall('SET', KEYS[n + i], ARGV[1], 'PX', ttl)",
            "else s = redis.pcall('SET', KEYS[n + i], ARGV[1]) end",
            "if s.err then t = false end",
            "end",
            "return {t, r}");

    private static final ValkeyFrame.BulkString EVAL = ValkeyFrame.bulk("EVAL");
    private static final ValkeyFrame.BulkString READ = ValkeyFrame.bulk(READ_SCRIPT);
    private static final ValkeyFrame.BulkString WRITE = ValkeyFrame.bulk(WRITE_SCRIPT);
    private static final byte[] PREFIX = COMPANION_PREFIX.getBytes(StandardCharsets.UTF_8);

    private TimestampScripts() {
    }

    /**
     * {@return {@code command} wrapped in the read or write script}
     *
     * @param command      the command, every element a bulk string
     * @param keyPositions where its keys are
     * @param writeMicros  the timestamp to store for a write, or null for a read
     */
    static ValkeyFrame.Array wrap(List<ValkeyFrame.BulkString> command, int[] keyPositions, Long writeMicros) {
        List<ValkeyFrame> eval = new ArrayList<>(3 + 2 * keyPositions.length + 1 + command.size());
        eval.add(EVAL);
        eval.add(writeMicros == null ? READ : WRITE);
        eval.add(ValkeyFrame.bulk(Integer.toString(2 * keyPositions.length)));
        for (int position : keyPositions) {
            eval.add(command.get(position));
        }
        for (int position : keyPositions) {
            eval.add(new ValkeyFrame.BulkString(companionKey(command.get(position).value())));
        }
        if (writeMicros != null) {
            eval.add(ValkeyFrame.bulk(Long.toString(writeMicros)));
        }
        eval.addAll(command);
        return new ValkeyFrame.Array(eval);
    }

    /** {@return the key that holds the last-modified time of {@code key}, in the same cluster slot when possible} */
    static byte[] companionKey(byte[] key) {
        boolean ownTag = hasHashTag(key);
        boolean canTag = !ownTag && key.length > 0 && indexOf(key, (byte) '}', 0) < 0;
        byte[] companion = new byte[PREFIX.length + key.length + (canTag ? 2 : 0)];
        System.arraycopy(PREFIX, 0, companion, 0, PREFIX.length);
        int at = PREFIX.length;
        if (canTag) {
            companion[at++] = '{';
        }
        System.arraycopy(key, 0, companion, at, key.length);
        if (canTag) {
            companion[companion.length - 1] = '}';
        }
        return companion;
    }

    /** Redis Cluster's rule: a non-empty text between the first '{' and the first '}' after it. */
    private static boolean hasHashTag(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        if (open < 0) {
            return false;
        }
        int close = indexOf(key, (byte) '}', open + 1);
        return close > open + 1;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** What a wrapped command's reply turned out to be. */
    record Unwrapped(ValkeyFrame reply, OptionalLong micros) {
    }

    /**
     * {@return the command's own reply and its timestamp, or null when {@code scriptReply} is not the scripts'
     * {@code [timestamp, reply]} shape (an error reply, or something other than the script answered)}
     *
     * @param scriptReply the reply to the wrapped command
     */
    static Unwrapped unwrap(ValkeyFrame scriptReply) {
        if (!(scriptReply instanceof ValkeyFrame.Array array) || array.elements().size() != 2) {
            return null;
        }
        ValkeyFrame stamp = array.elements().get(0);
        ValkeyFrame reply = array.elements().get(1);
        if (stamp instanceof ValkeyFrame.BulkString bulk) {
            return new Unwrapped(reply, parseMicros(bulk.asString()));
        }
        if (stamp instanceof ValkeyFrame.Integer integer) {
            return new Unwrapped(reply, OptionalLong.of(integer.value()));
        }
        if (stamp instanceof ValkeyFrame.NullBulkString || stamp instanceof ValkeyFrame.Null) {
            return new Unwrapped(reply, OptionalLong.empty());
        }
        return null;
    }

    private static OptionalLong parseMicros(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // someone else wrote the companion key: the value has no usable timestamp
            return OptionalLong.empty();
        }
    }
}
