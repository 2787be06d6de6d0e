package dev.shotover.transforms.valkey.cluster;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.net.HostAndPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which primary owns each hash slot, as read from a {@code CLUSTER SLOTS} reply, plus every node it named.
 *
 * <p>Mutable only through {@link #moved}, which records a {@code MOVED} redirect until the next full refresh.
 * Confined to one client connection's event loop.
 */
final class SlotMap {
    private final HostAndPort[] owners = new HostAndPort[HashSlot.SLOT_COUNT];
    private final Set<HostAndPort> primaries = new LinkedHashSet<>();
    private final Set<HostAndPort> nodes = new LinkedHashSet<>();

    /**
     * Reads a {@code CLUSTER SLOTS} reply: {@code [[start, end, [host, port, id], replica...], ...]}. An empty host
     * means "the node you asked", as Redis documents.
     *
     * @throws IllegalArgumentException when the reply does not have that shape
     */
    static SlotMap parse(ValkeyFrame reply, HostAndPort askedNode) {
        if (!(reply instanceof ValkeyFrame.Array ranges)) {
            throw new IllegalArgumentException("CLUSTER SLOTS answered " + reply);
        }
        SlotMap map = new SlotMap();
        for (ValkeyFrame range : ranges.elements()) {
            if (!(range instanceof ValkeyFrame.Array fields) || fields.elements().size() < 3) {
                throw new IllegalArgumentException("unexpected CLUSTER SLOTS entry " + range);
            }
            int start = (int) integer(fields.elements().get(0));
            int end = (int) integer(fields.elements().get(1));
            HostAndPort primary = node(fields.elements().get(2), askedNode);
            map.primaries.add(primary);
            map.nodes.add(primary);
            for (int i = 3; i < fields.elements().size(); i++) {
                map.nodes.add(node(fields.elements().get(i), askedNode));
            }
            for (int slot = Math.max(0, start); slot <= end && slot < HashSlot.SLOT_COUNT; slot++) {
                map.owners[slot] = primary;
            }
        }
        return map;
    }

    private static long integer(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.Integer i) {
            return i.value();
        }
        throw new IllegalArgumentException("expected an integer in CLUSTER SLOTS, got " + frame);
    }

    private static HostAndPort node(ValkeyFrame frame, HostAndPort askedNode) {
        if (!(frame instanceof ValkeyFrame.Array fields) || fields.elements().size() < 2
                || !(fields.elements().get(0) instanceof ValkeyFrame.BulkString host)) {
            throw new IllegalArgumentException("unexpected CLUSTER SLOTS node " + frame);
        }
        String hostText = host.asString();
        return new HostAndPort(hostText.isEmpty() || hostText.equals("?") ? askedNode.host() : hostText,
                (int) integer(fields.elements().get(1)));
    }

    /** The primary owning {@code slot}, or null when no node claimed it. */
    HostAndPort owner(int slot) {
        return owners[slot];
    }

    /** Records a {@code MOVED slot host:port} redirect. */
    void moved(int slot, HostAndPort node) {
        owners[slot] = node;
        primaries.add(node);
        nodes.add(node);
    }

    /** The primaries owning at least one slot, in reply order. */
    List<HostAndPort> primaries() {
        List<HostAndPort> owning = new ArrayList<>();
        Set<HostAndPort> seen = new LinkedHashSet<>();
        for (HostAndPort owner : owners) {
            if (owner != null && seen.add(owner)) {
                owning.add(owner);
            }
        }
        return owning;
    }

    /** Every node named (primaries and replicas). */
    List<HostAndPort> nodes() {
        return new ArrayList<>(nodes);
    }
}
