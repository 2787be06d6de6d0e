package dev.shotover.testkit;

import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny in-memory Valkey for unit tests of transforms: strings only, no expiry. It knows {@code PING}, {@code ECHO},
 * {@code GET}, {@code SET key value}, {@code MGET}, {@code DEL}, {@code EXISTS} and {@code INCR}, and answers
 * anything else the way Valkey does ({@code -ERR unknown command 'X', with args beginning with: ...}). It is a
 * stand-in for a backend's replies, not a reimplementation: integration tests run against a real server.
 *
 * <p>Thread-safe.
 */
public final class FakeValkey {

    private final Map<ByteBuffer, byte[]> strings = new ConcurrentHashMap<>();

    /** An empty store. */
    public FakeValkey() {
    }

    /**
     * Executes one command.
     *
     * @param command a command array, e.g. {@code ValkeyFrame.command("SET", "foo", "bar")}
     * @return the reply, an error reply for unknown commands or malformed arguments
     */
    public ValkeyFrame execute(ValkeyFrame command) {
        String name = command.commandName();
        if (name == null) {
            return ValkeyFrame.error("ERR Protocol error: expected a command array, got " + command);
        }
        List<byte[]> args = new ArrayList<>();
        List<ValkeyFrame> elements = ((ValkeyFrame.Array) command).elements();
        for (ValkeyFrame element : elements.subList(1, elements.size())) {
            if (!(element instanceof ValkeyFrame.BulkString bulk)) {
                return ValkeyFrame.error("ERR Protocol error: expected bulk strings as arguments, got " + element);
            }
            args.add(bulk.value());
        }
        switch (name) {
            case "PING":
                if (args.size() > 1) {
                    return arity(name);
                }
                return args.isEmpty() ? new ValkeyFrame.SimpleString("PONG") : new ValkeyFrame.BulkString(args.get(0));
            case "ECHO":
                return args.size() != 1 ? arity(name) : new ValkeyFrame.BulkString(args.get(0));
            case "GET": {
                if (args.size() != 1) {
                    return arity(name);
                }
                byte[] value = strings.get(ByteBuffer.wrap(args.get(0)));
                return value == null ? new ValkeyFrame.NullBulkString() : new ValkeyFrame.BulkString(value);
            }
            case "SET":
                if (args.size() != 2) {
                    return args.size() < 2 ? arity(name) : ValkeyFrame.error("ERR syntax error");
                }
                strings.put(ByteBuffer.wrap(args.get(0).clone()), args.get(1).clone());
                return ValkeyFrame.ok();
            case "MGET": {
                if (args.isEmpty()) {
                    return arity(name);
                }
                List<ValkeyFrame> values = new ArrayList<>();
                for (byte[] key : args) {
                    byte[] value = strings.get(ByteBuffer.wrap(key));
                    values.add(value == null ? new ValkeyFrame.NullBulkString() : new ValkeyFrame.BulkString(value));
                }
                return new ValkeyFrame.Array(values);
            }
            case "DEL":
            case "EXISTS": {
                if (args.isEmpty()) {
                    return arity(name);
                }
                long count = 0;
                for (byte[] key : args) {
                    ByteBuffer k = ByteBuffer.wrap(key);
                    boolean present = name.equals("DEL") ? strings.remove(k) != null : strings.containsKey(k);
                    count += present ? 1 : 0;
                }
                return new ValkeyFrame.Integer(count);
            }
            case "INCR":
                return args.size() != 1 ? arity(name) : increment(args.get(0));
            default:
                return unknown(command, args);
        }
    }

    private synchronized ValkeyFrame increment(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        byte[] current = strings.get(k);
        long value;
        try {
            value = current == null ? 0 : Long.parseLong(new String(current, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return ValkeyFrame.error("ERR value is not an integer or out of range");
        }
        value++;
        strings.put(k, Long.toString(value).getBytes(StandardCharsets.UTF_8));
        return new ValkeyFrame.Integer(value);
    }

    /**
     * {@return the value stored at {@code key} as UTF-8 text, or null}
     *
     * @param key the key
     */
    public String get(String key) {
        byte[] value = strings.get(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Stores {@code value} at {@code key}, as {@code SET} would; for preparing a test.
     *
     * @param key   the key
     * @param value the value, stored as UTF-8
     */
    public void set(String key, String value) {
        strings.put(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)), value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the number of keys} */
    public int size() {
        return strings.size();
    }

    private static ValkeyFrame arity(String name) {
        return ValkeyFrame.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    private static ValkeyFrame unknown(ValkeyFrame command, List<byte[]> args) {
        ValkeyFrame first = ((ValkeyFrame.Array) command).elements().get(0);
        String typed = first instanceof ValkeyFrame.BulkString bulk ? bulk.asString()
                : ((ValkeyFrame.SimpleString) first).value();
        StringBuilder text = new StringBuilder("ERR unknown command '").append(typed)
                .append("', with args beginning with: ");
        for (byte[] arg : args) {
            text.append('\'').append(new String(arg, StandardCharsets.UTF_8)).append("' ");
        }
        return ValkeyFrame.error(text.toString());
    }
}
