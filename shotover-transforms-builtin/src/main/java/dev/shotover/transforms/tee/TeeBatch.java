package dev.shotover.transforms.tee;

import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch as {@link Tee} sends it down two chains: the original requests (down the Tee's own chain) and their
 * copies (down the tee chain). A copy has its own id, so responses from each chain are paired with the batch's
 * requests through {@link #indexOfOriginal} and {@link #indexOfCopy}, never by position.
 *
 * <p><b>Buffers.</b> The copies are made by {@link Message#copyWithNewId()} and each owns a reference to the
 * original's bytes; handing them to a sub-chain run hands over that ownership. The originals belong to the chain run.
 *
 * <p><b>Threading.</b> Confined to the connection's event loop.
 */
final class TeeBatch {
    private final List<Message> originals;
    private final List<Message> copies;
    private final Map<MessageId, Integer> originalIndex;
    private final Map<MessageId, Integer> copyIndex;

    private TeeBatch(List<Message> originals, List<Message> copies) {
        this.originals = originals;
        this.copies = copies;
        this.originalIndex = new HashMap<>(originals.size() * 2);
        this.copyIndex = new HashMap<>(copies.size() * 2);
        for (int i = 0; i < originals.size(); i++) {
            originalIndex.put(originals.get(i).id(), i);
            copyIndex.put(copies.get(i).id(), i);
        }
    }

    /** A batch of {@code originals} with a fresh copy of each; take it before the down-chain can change them. */
    static TeeBatch copying(List<Message> originals) {
        List<Message> copies = new ArrayList<>(originals.size());
        for (Message original : originals) {
            copies.add(original.copyWithNewId());
        }
        return new TeeBatch(List.copyOf(originals), copies);
    }

    /** The requests as they entered the Tee. */
    List<Message> originals() {
        return originals;
    }

    /** The copies for the tee chain, in the originals' order (a mutable list: a chain run may edit it). */
    List<Message> copies() {
        return copies;
    }

    int size() {
        return originals.size();
    }

    /** The position of the original request with this id, or -1 (null ids included). */
    int indexOfOriginal(MessageId requestId) {
        return lookup(originalIndex, requestId);
    }

    /** The position of the original whose copy has this id, or -1 (null ids included). */
    int indexOfCopy(MessageId requestId) {
        return lookup(copyIndex, requestId);
    }

    private static int lookup(Map<MessageId, Integer> index, MessageId id) {
        if (id == null) {
            return -1;
        }
        Integer position = index.get(id);
        return position == null ? -1 : position;
    }
}
