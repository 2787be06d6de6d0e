package dev.shotover.protocols.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, reply by reply, whether what one backend connection sends answers its oldest outstanding request or
 * arrived on its own. Plain request/reply traffic needs nothing more than "oldest first"; pub/sub and RESP3 break
 * that in three ways, which this class follows:
 * <ul>
 *   <li><b>Pushed messages.</b> In RESP3 they are push frames ({@code >}), easy to tell apart. In RESP2 a
 *       {@code message}/{@code pmessage}/{@code smessage} is an ordinary array, so it can be told from a reply only
 *       by knowing that the connection is subscribed (a subscribed RESP2 connection can only run the pub/sub
 *       commands, PING, QUIT and RESET, none of which answers with such an array).</li>
 *   <li><b>One request, many replies.</b> {@code SUBSCRIBE a b c} is confirmed once per channel; unsubscribing
 *       from all confirms once per channel the connection had (once when it had none). The first confirmation
 *       answers the request, the others arrive on their own. In RESP3 the confirmations are pushes too.</li>
 *   <li><b>Session state.</b> The subscriptions are learnt from the confirmations themselves, so they always match
 *       the server's. The protocol version is learnt from the reply to {@code HELLO} (a map means RESP3, an array
 *       RESP2); {@code RESET} unsubscribes from everything and goes back to RESP2.</li>
 * </ul>
 * Requests are classified when sent ({@link #kindOf}) and the classification is handed back with the reply that
 * reaches the head of the queue ({@link #answersRequest}). For the usual traffic (not subscribed, no pushes) the
 * cost is a look at the first byte of each reply and the first few bytes of each request: nothing is parsed.
 *
 * <p><b>Threading.</b> One instance per backend connection, confined to its event loop. Reads messages without
 * retaining, releasing or modifying them.
 */
public final class ValkeyReplyPairing {

    /** What a request means for the pairing of the replies that follow it. */
    public enum RequestKind {
        /** Anything that is answered by exactly one reply. */
        OTHER,
        SUBSCRIBE,
        PSUBSCRIBE,
        SSUBSCRIBE,
        UNSUBSCRIBE,
        PUNSUBSCRIBE,
        SUNSUBSCRIBE,
        /** Ends every subscription and returns to RESP2. */
        RESET,
        /** May switch the protocol version. */
        HELLO;

        /** {@return true for the six commands answered by one confirmation per channel} */
        public boolean isSubscription() {
            return ordinal() >= SUBSCRIBE.ordinal() && ordinal() <= SUNSUBSCRIBE.ordinal();
        }

        private boolean adds() {
            return this == SUBSCRIBE || this == PSUBSCRIBE || this == SSUBSCRIBE;
        }

        private Family family() {
            switch (this) {
                case SUBSCRIBE:
                case UNSUBSCRIBE:
                    return Family.CHANNELS;
                case PSUBSCRIBE:
                case PUNSUBSCRIBE:
                    return Family.PATTERNS;
                default:
                    return Family.SHARD_CHANNELS;
            }
        }
    }

    /** The three independent kinds of subscription. */
    private enum Family {
        CHANNELS, PATTERNS, SHARD_CHANNELS
    }

    /** Request names in the order of {@link RequestKind} after OTHER. */
    private static final byte[][] REQUEST_NAMES = RespPeek.names("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE",
            "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "RESET", "HELLO");
    private static final RequestKind[] KINDS = RequestKind.values();
    /** First elements of pub/sub arrays and pushes: three pushed messages, then the six confirmations. */
    private static final byte[][] PUBSUB_NAMES = RespPeek.names("MESSAGE", "PMESSAGE", "SMESSAGE",
            "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE");
    private static final int FIRST_CONFIRMATION = 3;

    private final Map<Family, Set<String>> subscriptions = new EnumMap<>(Family.class);
    private boolean resp3;
    /** Confirmations still due to the last subscription request after the one that answered it. */
    private int extraConfirmations;
    private RequestKind extraKind;

    public ValkeyReplyPairing() {
        for (Family family : Family.values()) {
            subscriptions.put(family, new HashSet<>());
        }
    }

    /**
     * {@return how the request will be answered} Reads only the command name, without parsing.
     *
     * @param request a Valkey request
     */
    public static RequestKind kindOf(Message request) {
        int index = RespPeek.firstElementIndex(request, REQUEST_NAMES);
        return index < 0 ? RequestKind.OTHER : KINDS[index + 1];
    }

    /**
     * {@return the number of arguments of a request (0 for {@code UNSUBSCRIBE} alone), which for the subscription
     * commands is the number of confirmations it gets when it names its channels}
     *
     * @param request a Valkey request
     */
    public static int argumentCount(Message request) {
        return Math.max(0, RespPeek.elementCount(request) - 1);
    }

    /**
     * Looks at the next reply of the connection and says whether it answers the oldest outstanding request.
     * Updates the session state as a side effect, so every reply must be passed exactly once, in order.
     *
     * @param reply             the reply, as read from the backend
     * @param head              the kind of the oldest outstanding request, or null when none is outstanding
     * @param headArgumentCount {@link #argumentCount} of that request
     * @return true when the reply answers {@code head}; false when it arrived on its own (a push, a pushed
     *     message, or a further confirmation of an earlier subscription request)
     */
    public boolean answersRequest(Message reply, RequestKind head, int headArgumentCount) {
        RespMessageKind kind = RespMessageKind.of(reply);
        boolean push = kind == RespMessageKind.PUSH;
        byte type = push ? (byte) '>' : RespMessageKind.typeByte(reply);
        int pubsub = -1;
        // Only look inside arrays that can be pub/sub traffic: with nothing outstanding any array is unsolicited
        // (Redis answers SUBSCRIBE a b inside MULTI with EXEC's reply holding the first confirmation, the rest follow)
        if (push || (type == '*' && (head == null || extraConfirmations > 0 || head.isSubscription()
                || (!resp3 && isSubscribed())))) {
            pubsub = RespPeek.firstElementIndex(reply, PUBSUB_NAMES);
        }
        RequestKind confirms = pubsub >= FIRST_CONFIRMATION
                ? KINDS[RequestKind.SUBSCRIBE.ordinal() + pubsub - FIRST_CONFIRMATION] : null;

        if (extraConfirmations > 0 && confirms == extraKind) {
            record(reply, confirms);
            extraConfirmations--;
            return false;
        }
        if (head != null && head.isSubscription() && confirms == head) {
            // Unsubscribing from all is confirmed once per current subscription, or once when there is none.
            int expected = headArgumentCount > 0 ? headArgumentCount
                    : Math.max(1, subscriptions.get(head.family()).size());
            record(reply, head);
            extraConfirmations = expected - 1;
            extraKind = head;
            return true;
        }
        if (push) {
            // RESP3: messages, client-tracking invalidations, and confirmations nobody asked for (a server drops
            // shard channels by itself when their slot moves)
            if (confirms != null) {
                record(reply, confirms);
            }
            return false;
        }
        if (pubsub >= 0 && !resp3 && (isSubscribed() || confirms != null)) {
            if (confirms != null) {
                record(reply, confirms);
            }
            return false;
        }
        if (head == null) {
            return false;
        }
        if (head == RequestKind.RESET && kind != RespMessageKind.ERROR) {
            for (Set<String> family : subscriptions.values()) {
                family.clear();
            }
            extraConfirmations = 0;
            resp3 = false;
        } else if (head == RequestKind.HELLO) {
            if (type == '%') {
                resp3 = true;
            } else if (type == '*') {
                resp3 = false;
            }
        }
        return true;
    }

    /** Applies one confirmation to the subscriptions: its second element names the channel or pattern. */
    private void record(Message confirmation, RequestKind kind) {
        ValkeyFrame frame = confirmation.frame(ValkeyFrame.class);
        List<ValkeyFrame> elements = frame instanceof ValkeyFrame.Push p ? p.elements()
                : frame instanceof ValkeyFrame.Array a ? a.elements() : List.of();
        if (elements.size() < 2 || !(elements.get(1) instanceof ValkeyFrame.BulkString channel)) {
            // "unsubscribe" with a null channel: there was nothing to unsubscribe from
            return;
        }
        // ISO-8859-1 maps every byte to one char: channel names are binary-safe keys
        String name = new String(channel.value(), StandardCharsets.ISO_8859_1);
        Set<String> family = subscriptions.get(kind.family());
        if (kind.adds()) {
            family.add(name);
        } else {
            family.remove(name);
        }
    }

    /** {@return true while the connection has any subscription, i.e. is in Redis' pub/sub mode} */
    public boolean isSubscribed() {
        for (Set<String> family : subscriptions.values()) {
            if (!family.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** {@return the number of channels, patterns and shard channels subscribed to} */
    public int subscriptionCount() {
        int count = 0;
        for (Set<String> family : subscriptions.values()) {
            count += family.size();
        }
        return count;
    }

    /** {@return true once {@code HELLO 3} succeeded (until {@code RESET} or {@code HELLO 2})} */
    public boolean isResp3() {
        return resp3;
    }
}
