package dev.shotover.examples.embedded;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Prefixes the keys of common string and key commands on their way to the backend. Commands whose only key is the
 * first argument get that argument prefixed; {@code DEL}, {@code EXISTS}, {@code MGET}, {@code UNLINK} and
 * {@code TOUCH} get every argument prefixed. Other commands pass unchanged: this is a demonstration of rewriting
 * requests, not a complete key-namespacing proxy (it does not know {@code MSET}, scripts or {@code KEYS}).
 *
 * <p><b>Threading.</b> Immutable apart from its thread-safe counter, so one instance serves every connection.
 */
final class KeyPrefix implements Transform {
    private static final Set<String> FIRST_ARGUMENT_IS_THE_KEY = Set.of("GET", "SET", "GETDEL", "GETSET", "INCR",
            "DECR", "INCRBY", "DECRBY", "APPEND", "STRLEN", "EXPIRE", "PEXPIRE", "TTL", "PTTL", "TYPE", "PERSIST");
    private static final Set<String> EVERY_ARGUMENT_IS_A_KEY = Set.of("DEL", "EXISTS", "MGET", "UNLINK", "TOUCH");

    private final byte[] prefix;
    private final Metrics.Counter prefixed;

    KeyPrefix(String prefix, Metrics.Counter prefixed) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.prefixed = prefixed;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        for (Message request : state.requests()) {
            ValkeyFrame frame;
            try {
                frame = request.frame(ValkeyFrame.class);
            } catch (MessageParseException e) {
                continue;
            }
            String command = frame.commandName();
            if (command == null) {
                continue;
            }
            int keys = FIRST_ARGUMENT_IS_THE_KEY.contains(command) ? 1
                    : EVERY_ARGUMENT_IS_A_KEY.contains(command) ? Integer.MAX_VALUE : 0;
            if (keys > 0) {
                request.setFrame(withPrefixedKeys((ValkeyFrame.Array) frame, keys));
            }
        }
        // Replies carry values, not keys, so they need no change: pass the responses up as they are.
        return state.callNextTransform();
    }

    private ValkeyFrame.Array withPrefixedKeys(ValkeyFrame.Array command, int keys) {
        List<ValkeyFrame> parts = new ArrayList<>(command.elements());
        for (int i = 1; i < parts.size() && i <= keys; i++) {
            if (parts.get(i) instanceof ValkeyFrame.BulkString key) {
                byte[] namespaced = new byte[prefix.length + key.value().length];
                System.arraycopy(prefix, 0, namespaced, 0, prefix.length);
                System.arraycopy(key.value(), 0, namespaced, prefix.length, key.value().length);
                parts.set(i, new ValkeyFrame.BulkString(namespaced));
                prefixed.increment();
            }
        }
        return new ValkeyFrame.Array(parts);
    }
}
