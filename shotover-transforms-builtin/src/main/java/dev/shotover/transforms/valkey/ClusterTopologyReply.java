package dev.shotover.transforms.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespPeek;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code CLUSTER} subcommands whose replies tell a cluster-aware client where the nodes are, and how to put
 * another port into each of those replies. Pure functions over immutable frames; thread-safe.
 *
 * <p>Only ports are changed, never addresses: the proxy is meant to run next to each node (or, with
 * {@code ValkeySinkCluster}, in front of the whole cluster on one address). A port of 0 means "no such port" (a
 * node without a known address, or no TLS port) and is left alone.
 */
enum ClusterTopologyReply {
    /** {@code CLUSTER SLOTS}: {@code [[start, end, [ip, port, id, {meta}], replicas...], ...]}. */
    SLOTS,
    /** {@code CLUSTER SHARDS}: shards as key/value lists (maps in RESP3), whose {@code nodes} carry {@code port}. */
    SHARDS,
    /** {@code CLUSTER NODES}: one text line per node, {@code id ip:port@cport[,hostname] flags ...}. */
    NODES,
    /** {@code CLUSTER REPLICAS} / {@code CLUSTER SLAVES}: an array of lines in the {@code CLUSTER NODES} format. */
    REPLICAS;

    private static final byte[][] CLUSTER = RespPeek.names("CLUSTER");

    /**
     * {@return which topology reply the request asks for, or null for any other request} Only a {@code CLUSTER}
     * request is parsed; for every other one this reads the command name in place.
     *
     * @param request a Valkey request
     */
    static ClusterTopologyReply of(Message request) {
        if (RespPeek.firstElementIndex(request, CLUSTER) != 0) {
            return null;
        }
        if (!(request.frame(ValkeyFrame.class) instanceof ValkeyFrame.Array command)
                || command.elements().size() < 2) {
            return null;
        }
        String sub = text(command.elements().get(1));
        if (sub == null) {
            return null;
        }
        switch (sub.toUpperCase(Locale.ROOT)) {
            case "SLOTS":
                return SLOTS;
            case "SHARDS":
                return SHARDS;
            case "NODES":
                return NODES;
            case "REPLICAS":
            case "SLAVES":
                return REPLICAS;
            default:
                return null;
        }
    }

    /**
     * {@return the reply with every node port replaced by {@code newPort}; a frame equal to {@code reply} when there
     * was nothing to replace (errors such as NOAUTH, unexpected shapes)}
     *
     * @param reply   the reply to this kind of request
     * @param newPort the port clients must use instead
     */
    ValkeyFrame rewrite(ValkeyFrame reply, int newPort) {
        switch (this) {
            case SLOTS:
                return rewriteSlots(reply, newPort);
            case SHARDS:
                return rewriteShards(reply, newPort);
            case NODES:
                return rewriteNodeLinesText(reply, newPort);
            default:
                if (reply instanceof ValkeyFrame.Array lines) {
                    return new ValkeyFrame.Array(map(lines.elements(), line -> rewriteNodeLinesText(line, newPort)));
                }
                return reply;
        }
    }

    /**
     * {@return a {@code MOVED}/{@code ASK} redirect with {@code newPort} in place of the node's port, or null when
     * {@code error} is not a redirect (or names no port)} {@code MOVED 3999 127.0.0.1:6381} becomes
     * {@code MOVED 3999 127.0.0.1:newPort}; an empty host (Redis' "same address") is kept.
     *
     * @param error   an error reply's text
     * @param newPort the port clients must use instead
     */
    static ValkeyFrame.Error rewriteRedirect(String error, int newPort) {
        if (!error.startsWith("MOVED ") && !error.startsWith("ASK ")) {
            return null;
        }
        int colon = error.lastIndexOf(':');
        int space = error.lastIndexOf(' ');
        if (colon < space) {
            return null;
        }
        String port = error.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || Integer.parseInt(port) == 0) {
            return null;
        }
        return ValkeyFrame.error(error.substring(0, colon + 1) + newPort);
    }

    private static ValkeyFrame rewriteSlots(ValkeyFrame reply, int newPort) {
        if (!(reply instanceof ValkeyFrame.Array ranges)) {
            return reply;
        }
        return new ValkeyFrame.Array(map(ranges.elements(), range -> {
            if (!(range instanceof ValkeyFrame.Array r)) {
                return range;
            }
            List<ValkeyFrame> elements = new ArrayList<>(r.elements());
            // elements 0 and 1 are the slot range; every later one describes a node: [ip, port, id, ...]
            for (int i = 2; i < elements.size(); i++) {
                if (elements.get(i) instanceof ValkeyFrame.Array node && node.elements().size() >= 2
                        && node.elements().get(1) instanceof ValkeyFrame.Integer port && port.value() != 0) {
                    List<ValkeyFrame> nodeElements = new ArrayList<>(node.elements());
                    nodeElements.set(1, new ValkeyFrame.Integer(newPort));
                    elements.set(i, new ValkeyFrame.Array(nodeElements));
                }
            }
            return new ValkeyFrame.Array(elements);
        }));
    }

    /** Shards and their nodes are key/value lists: arrays in RESP2, maps in RESP3. */
    private static ValkeyFrame rewriteShards(ValkeyFrame reply, int newPort) {
        if (!(reply instanceof ValkeyFrame.Array shards)) {
            return reply;
        }
        return new ValkeyFrame.Array(map(shards.elements(), shard -> rewriteValues(shard, (key, value) -> {
            if (!"nodes".equalsIgnoreCase(key) || !(value instanceof ValkeyFrame.Array nodes)) {
                return value;
            }
            return new ValkeyFrame.Array(map(nodes.elements(), node -> rewriteValues(node, (field, v) -> {
                boolean isPort = "port".equalsIgnoreCase(field) || "tls-port".equalsIgnoreCase(field);
                if (isPort && v instanceof ValkeyFrame.Integer port && port.value() != 0) {
                    return new ValkeyFrame.Integer(newPort);
                }
                return v;
            })));
        })));
    }

    private interface ValueRewrite {
        ValkeyFrame apply(String key, ValkeyFrame value);
    }

    private static ValkeyFrame rewriteValues(ValkeyFrame keyValues, ValueRewrite rewrite) {
        List<ValkeyFrame> elements;
        if (keyValues instanceof ValkeyFrame.Array array) {
            elements = array.elements();
        } else if (keyValues instanceof ValkeyFrame.Map m) {
            elements = m.keysAndValues();
        } else {
            return keyValues;
        }
        if (elements.size() % 2 != 0) {
            return keyValues;
        }
        List<ValkeyFrame> rewritten = new ArrayList<>(elements);
        for (int i = 0; i < rewritten.size(); i += 2) {
            String key = text(rewritten.get(i));
            if (key != null) {
                rewritten.set(i + 1, rewrite.apply(key, rewritten.get(i + 1)));
            }
        }
        return keyValues instanceof ValkeyFrame.Map ? new ValkeyFrame.Map(rewritten) : new ValkeyFrame.Array(rewritten);
    }

    /** A bulk string (RESP2) or verbatim string (RESP3) of node lines. */
    private static ValkeyFrame rewriteNodeLinesText(ValkeyFrame reply, int newPort) {
        if (reply instanceof ValkeyFrame.BulkString bulk) {
            return new ValkeyFrame.BulkString(rewriteNodeLines(bulk.value(), newPort));
        }
        if (reply instanceof ValkeyFrame.VerbatimString verbatim) {
            return new ValkeyFrame.VerbatimString(verbatim.format(), rewriteNodeLines(verbatim.data(), newPort));
        }
        return reply;
    }

    /**
     * Rewrites the address field (the second) of every line: {@code ip:port@cport[,hostname...]} becomes
     * {@code ip:newPort@cport[,hostname...]}. The last colon before the {@code @} ends the address, which keeps
     * IPv6 addresses intact. Lines that do not look like node lines are kept as they are.
     */
    static byte[] rewriteNodeLines(byte[] text, int newPort) {
        // node lines are ASCII; ISO-8859-1 keeps any other byte as it is
        String[] lines = new String(text, StandardCharsets.ISO_8859_1).split("\n", -1);
        StringBuilder out = new StringBuilder(text.length + 16);
        for (int l = 0; l < lines.length; l++) {
            if (l > 0) {
                out.append('\n');
            }
            out.append(rewriteNodeLine(lines[l], newPort));
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String rewriteNodeLine(String line, int newPort) {
        int fieldStart = line.indexOf(' ');
        if (fieldStart < 0) {
            return line;
        }
        fieldStart++;
        int fieldEnd = line.indexOf(' ', fieldStart);
        if (fieldEnd < 0) {
            fieldEnd = line.length();
        }
        int at = line.indexOf('@', fieldStart);
        if (at < 0 || at > fieldEnd) {
            return line;
        }
        int colon = line.lastIndexOf(':', at);
        if (colon < fieldStart) {
            return line;
        }
        String port = line.substring(colon + 1, at);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || Integer.parseInt(port) == 0) {
            return line;
        }
        return line.substring(0, colon + 1) + newPort + line.substring(at);
    }

    private static String text(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return bulk.asString();
        }
        if (frame instanceof ValkeyFrame.SimpleString simple) {
            return simple.value();
        }
        return null;
    }

    private static List<ValkeyFrame> map(List<ValkeyFrame> frames, java.util.function.UnaryOperator<ValkeyFrame> f) {
        List<ValkeyFrame> out = new ArrayList<>(frames.size());
        for (ValkeyFrame frame : frames) {
            out.add(f.apply(frame));
        }
        return out;
    }
}
