package dev.shotover.transforms.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespPeek;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which commands {@code ValkeySinkShared} may send over a backend connection that many clients share, and what it
 * answers itself instead. This is the one list of refused commands (docs/transforms.md repeats it).
 *
 * <p>A command can be shared when its effect and its answer depend only on its own arguments and the data: exactly one
 * reply, in order, with no state left on the connection. Refused are commands that change or read connection state
 * ({@code SELECT}, {@code AUTH}, {@code HELLO} with options, {@code CLIENT ...}, {@code RESET}, {@code READONLY}),
 * transactions ({@code MULTI}, {@code WATCH}, ...), commands after which the connection carries more than one reply per
 * request (pub/sub, {@code MONITOR}, replication) and blocking commands, which would hold up every client behind them.
 * A few are answered here: {@code SELECT 0} (the shared connections use database 0), {@code HELLO 3} (RESP2 only, as
 * {@code ValkeySinkCluster} answers it), {@code CLIENT SETNAME/GETNAME/SETINFO} (kept per client connection) and
 * {@code QUIT}.
 *
 * <p>Requests that are not an array of bulk strings are refused too: Redis would answer them with several replies or
 * none ({@code *0}), or close the connection (a non-bulk element), any of which would shift the pairing of replies for
 * every client on the connection.
 *
 * <p>{@link #lookup} runs for every request and reads only the head of the raw bytes (no parse, no allocation);
 * everything else runs only for the few commands it names. Stateless and thread-safe.
 */
final class ValkeySinkSharedCommands {
    static final String SINK = "ValkeySinkShared";
    /** Redis' answer to HELLO with a protocol version it does not speak (as {@code ValkeySinkCluster} answers). */
    static final String NOPROTO = "NOPROTO unsupported protocol version";

    /** {@link #lookup}: an ordinary command, to be sent to the backend. */
    static final int FORWARD = -1;
    /** {@link #lookup}: not an array of bulk strings. */
    static final int MALFORMED = -2;

    private static final String OWN_CONNECTION = "it needs a backend connection of its own";
    private static final String STATE = "it would change the state of the backend connection that many clients share";
    private static final String BLOCKING =
            "a blocking command would hold up every client that shares the backend connection";

    /** Refused commands and why; the order is the one the docs list them in. */
    private static final Map<String, String> REFUSED;
    static {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("AUTH", "the sink authenticates its shared backend connections itself"
                + " (username and password in its configuration)");
        for (String name : List.of("MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH")) {
            refused.put(name, "transactions need a backend connection of their own");
        }
        for (String name : List.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
                "SUNSUBSCRIBE", "MONITOR", "SYNC", "PSYNC", "REPLCONF")) {
            refused.put(name, OWN_CONNECTION);
        }
        for (String name : List.of("RESET", "READONLY", "READWRITE", "ASKING")) {
            refused.put(name, STATE);
        }
        for (String name : List.of("BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX",
                "BZMPOP", "WAIT", "WAITAOF")) {
            refused.put(name, BLOCKING);
        }
        REFUSED = Collections.unmodifiableMap(refused);
    }

    /** Commands that need a closer look at their arguments; the rest of {@link #NAMES} are refused outright. */
    private static final List<String> INSPECTED = List.of("SELECT", "HELLO", "CLIENT", "QUIT", "XREAD", "XREADGROUP");

    /** Every name {@link #lookup} reports, upper case; index = lookup result. */
    private static final List<String> NAMES;
    /** {@link #NAMES} as ASCII bytes, grouped by length for the lookup: {@code BY_LENGTH[len]} = indexes. */
    private static final byte[][] NAME_BYTES;
    private static final int[][] BY_LENGTH;
    static {
        List<String> names = new ArrayList<>(REFUSED.keySet());
        names.addAll(INSPECTED);
        NAMES = List.copyOf(names);
        NAME_BYTES = new byte[NAMES.size()][];
        int longest = 0;
        for (int i = 0; i < NAMES.size(); i++) {
            NAME_BYTES[i] = NAMES.get(i).getBytes(StandardCharsets.US_ASCII);
            longest = Math.max(longest, NAME_BYTES[i].length);
        }
        BY_LENGTH = new int[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int count = 0;
            for (byte[] name : NAME_BYTES) {
                count += name.length == length ? 1 : 0;
            }
            BY_LENGTH[length] = new int[count];
            int k = 0;
            for (int i = 0; i < NAME_BYTES.length; i++) {
                if (NAME_BYTES[i].length == length) {
                    BY_LENGTH[length][k++] = i;
                }
            }
        }
    }

    private ValkeySinkSharedCommands() {
    }

    /** {@return the refused commands and the reason given for each, in the documented order} */
    static Map<String, String> refused() {
        return REFUSED;
    }

    /**
     * What a client connection keeps for itself, since the backend connection is not its own: the name set with
     * {@code CLIENT SETNAME}, and whether it said {@code QUIT}. Confined to the client connection's event loop.
     */
    static final class Session {
        String clientName;
        boolean quit;
    }

    /**
     * {@return {@link #FORWARD} for a command that can go over the shared connection, {@link #MALFORMED} for a request
     * that is not a non-empty array of bulk strings, else an index for {@link #answer}}
     *
     * @param request a Valkey request
     */
    static int lookup(Message request) {
        ByteBuf raw = request.rawBytes();
        if (raw == null) {
            return lookupFrame(request.frame(ValkeyFrame.class));
        }
        // checks every element's type and length while skipping over it, and finds the first one's text
        int end = raw.writerIndex();
        int at = raw.readerIndex();
        if (raw.getByte(at) != '*') {
            return MALFORMED;
        }
        int lineEnd = raw.indexOf(at + 1, end, (byte) '\r');
        int count = lineEnd < 0 ? -1 : RespPeek.parseCount(raw, at + 1, lineEnd);
        if (count < 1) {
            return MALFORMED;
        }
        at = lineEnd + 2;
        int nameFrom = -1;
        int nameLength = 0;
        for (int i = 0; i < count; i++) {
            if (at >= end || raw.getByte(at) != '$') {
                return MALFORMED;
            }
            lineEnd = raw.indexOf(at + 1, end, (byte) '\r');
            int length = lineEnd < 0 ? -1 : RespPeek.parseCount(raw, at + 1, lineEnd);
            if (length < 0) {
                return MALFORMED;
            }
            if (i == 0) {
                nameFrom = lineEnd + 2;
                nameLength = length;
            }
            at = lineEnd + 2 + length + 2;
        }
        if (at != end) {
            return MALFORMED;
        }
        if (nameLength >= BY_LENGTH.length) {
            return FORWARD;
        }
        for (int candidate : BY_LENGTH[nameLength]) {
            if (RespPeek.equalsIgnoreAsciiCase(raw, nameFrom, NAME_BYTES[candidate])) {
                return candidate;
            }
        }
        return FORWARD;
    }

    private static int lookupFrame(ValkeyFrame frame) {
        if (!(frame instanceof ValkeyFrame.Array array) || array.elements().isEmpty()) {
            return MALFORMED;
        }
        for (ValkeyFrame element : array.elements()) {
            if (!(element instanceof ValkeyFrame.BulkString)) {
                return MALFORMED;
            }
        }
        String name = ((ValkeyFrame.BulkString) array.elements().get(0)).asString().toUpperCase(Locale.ROOT);
        int index = NAMES.indexOf(name);
        return index < 0 ? FORWARD : index;
    }

    /**
     * What the sink answers to a request {@link #lookup} did not pass, or null when, after a look at its arguments,
     * it can go to the backend after all ({@code XREAD} without {@code BLOCK}, plain {@code HELLO} or
     * {@code HELLO 2}).
     *
     * @param lookup  what {@link #lookup} returned, not {@link #FORWARD}
     * @param request the request (parsed here)
     * @param session the client connection's own state; {@code CLIENT SETNAME} and {@code QUIT} change it
     */
    static ValkeyFrame answer(int lookup, Message request, Session session) {
        if (lookup == MALFORMED) {
            return ValkeyFrame.error("ERR Shotover " + SINK + " only accepts commands sent as an array of bulk"
                    + " strings");
        }
        String name = NAMES.get(lookup);
        String reason = REFUSED.get(name);
        if (reason != null) {
            return refusal(name, reason);
        }
        List<String> args = arguments(request);
        switch (name) {
            case "SELECT":
                if (args.size() == 2 && args.get(1).equals("0")) {
                    return ValkeyFrame.ok();
                }
                return refusal(name, "the shared backend connections use database 0 (SELECT 0 is accepted)");
            case "HELLO":
                return hello(args);
            case "CLIENT":
                return client(args, session);
            case "QUIT":
                session.quit = true;
                return ValkeyFrame.ok();
            default: // XREAD, XREADGROUP
                for (int i = 1; i < args.size(); i++) {
                    String arg = args.get(i).toUpperCase(Locale.ROOT);
                    if (arg.equals("STREAMS")) {
                        break;
                    }
                    if (arg.equals("BLOCK")) {
                        return refusal(name + " BLOCK", BLOCKING);
                    }
                }
                return null;
        }
    }

    /** The answer to a request that follows {@code QUIT} in the same batch: the connection closes after QUIT's +OK. */
    static ValkeyFrame afterQuit() {
        return ValkeyFrame.error("ERR Shotover " + SINK + ": the connection is closing after QUIT");
    }

    private static ValkeyFrame refusal(String command, String reason) {
        return ValkeyFrame.error("ERR Shotover " + SINK + " does not support " + command + ": " + reason);
    }

    /**
     * {@code HELLO} without arguments and {@code HELLO 2} only describe the connection (RESP2, as the shared
     * connection speaks): they go to the backend. {@code HELLO 3} gets Redis' own answer to a version it does not
     * know, on which Lettuce carries on in RESP2. Options ({@code AUTH}, {@code SETNAME}) would change the shared
     * connection.
     */
    private static ValkeyFrame hello(List<String> args) {
        if (args.size() == 1) {
            return null;
        }
        long version;
        try {
            version = Long.parseLong(args.get(1));
        } catch (NumberFormatException e) {
            return ValkeyFrame.error("ERR Protocol version is not an integer or out of range");
        }
        if (version != 2) {
            return ValkeyFrame.error(NOPROTO);
        }
        if (args.size() > 2) {
            return refusal("HELLO with " + args.get(2).toUpperCase(Locale.ROOT), STATE);
        }
        return null;
    }

    private static ValkeyFrame client(List<String> args, Session session) {
        String sub = args.size() > 1 ? args.get(1).toUpperCase(Locale.ROOT) : "";
        switch (sub) {
            case "SETNAME":
                if (args.size() != 3) {
                    return ValkeyFrame.error("ERR wrong number of arguments for 'client|setname' command");
                }
                String name = args.get(2);
                for (int i = 0; i < name.length(); i++) {
                    char c = name.charAt(i);
                    if (c < '!' || c > '~') {
                        return ValkeyFrame.error("ERR Client names cannot contain spaces, newlines or special"
                                + " characters.");
                    }
                }
                session.clientName = name.isEmpty() ? null : name;
                return ValkeyFrame.ok();
            case "GETNAME":
                return session.clientName == null ? new ValkeyFrame.NullBulkString()
                        : ValkeyFrame.bulk(session.clientName);
            case "SETINFO":
                // library name and version: they describe a connection of the client's own, so only acknowledged
                return ValkeyFrame.ok();
            default:
                return refusal(sub.isEmpty() ? "CLIENT" : "CLIENT " + sub,
                        "it acts on the backend connection, which many clients share (only CLIENT SETNAME, GETNAME"
                                + " and SETINFO are answered, for this client connection)");
        }
    }

    private static List<String> arguments(Message request) {
        ValkeyFrame.Array array = (ValkeyFrame.Array) request.frame(ValkeyFrame.class);
        List<String> args = new ArrayList<>(array.elements().size());
        for (ValkeyFrame element : array.elements()) {
            args.add(((ValkeyFrame.BulkString) element).asString());
        }
        return args;
    }
}
