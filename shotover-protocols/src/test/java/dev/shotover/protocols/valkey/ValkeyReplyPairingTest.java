package dev.shotover.protocols.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.protocols.valkey.ValkeyReplyPairing.RequestKind;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replays request/reply sequences recorded from redis-server 7.0 and checks which replies answer a request. The
 * helper keeps a queue of outstanding requests exactly as a sink does.
 */
class ValkeyReplyPairingTest {
    private final ValkeyReplyPairing pairing = new ValkeyReplyPairing();
    private final ArrayDeque<Message> outstanding = new ArrayDeque<>();
    private final List<Message> messages = new ArrayList<>();
    /** For each reply fed: the request it answered, or null when it arrived on its own. */
    private final List<String> pairedWith = new ArrayList<>();

    @AfterEach
    void release() {
        messages.forEach(Message::release);
    }

    private Message raw(String wire) {
        Message message = Message.fromRaw(Protocol.VALKEY,
                Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1), RespFrameParser.INSTANCE, 0);
        messages.add(message);
        return message;
    }

    private void send(String... command) {
        StringBuilder wire = new StringBuilder("*").append(command.length).append("\r\n");
        for (String part : command) {
            wire.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        outstanding.add(raw(wire.toString()));
    }

    private void receive(String wire) {
        Message head = outstanding.peek();
        RequestKind kind = head == null ? null : ValkeyReplyPairing.kindOf(head);
        int args = head == null ? 0 : ValkeyReplyPairing.argumentCount(head);
        if (pairing.answersRequest(raw(wire), kind, args)) {
            pairedWith.add(RespPeek.firstElement(outstanding.poll()));
        } else {
            pairedWith.add(null);
        }
    }

    private static String confirmation(String kind, String channel, int count) {
        String name = channel == null ? "$-1\r\n" : "$" + channel.length() + "\r\n" + channel + "\r\n";
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n" + name + ":" + count + "\r\n";
    }

    private static String message(String channel, String payload) {
        return "*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + payload.length() + "\r\n"
                + payload + "\r\n";
    }

    @Test
    void classifiesRequestsByName() {
        assertThat(ValkeyReplyPairing.kindOf(raw("*2\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n")))
                .isEqualTo(RequestKind.PSUBSCRIBE);
        assertThat(ValkeyReplyPairing.kindOf(raw("*1\r\n$5\r\nRESET\r\n"))).isEqualTo(RequestKind.RESET);
        assertThat(ValkeyReplyPairing.kindOf(raw("*2\r\n$5\r\nhello\r\n$1\r\n3\r\n"))).isEqualTo(RequestKind.HELLO);
        assertThat(ValkeyReplyPairing.kindOf(raw("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))).isEqualTo(RequestKind.OTHER);
        assertThat(ValkeyReplyPairing.argumentCount(raw("*1\r\n$11\r\nUNSUBSCRIBE\r\n"))).isZero();
        assertThat(RequestKind.SUNSUBSCRIBE.isSubscription()).isTrue();
        assertThat(RequestKind.RESET.isSubscription()).isFalse();
    }

    @Test
    void plainTrafficPairsInOrder() {
        send("SET", "k", "v");
        send("GET", "k");
        receive("+OK\r\n");
        receive("$1\r\nv\r\n");
        assertThat(pairedWith).containsExactly("SET", "GET");
        // an array that looks like a pushed message is a reply when the connection is not subscribed
        send("LRANGE", "l", "0", "-1");
        receive(message("ch", "x"));
        assertThat(pairedWith).last().isEqualTo("LRANGE");
    }

    @Test
    void subscribingToSeveralChannelsAnswersOnceAndTheRestArriveOnTheirOwn() {
        send("SUBSCRIBE", "a", "b", "a");
        send("PING");
        receive(confirmation("subscribe", "a", 1));
        receive(confirmation("subscribe", "b", 2));
        receive(confirmation("subscribe", "a", 2));
        receive(message("a", "hello"));
        // PING while subscribed (RESP2) answers with an array that is neither a message nor a confirmation
        receive("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        assertThat(pairedWith).containsExactly("SUBSCRIBE", null, null, null, "PING");
        assertThat(pairing.isSubscribed()).isTrue();
        assertThat(pairing.subscriptionCount()).isEqualTo(2);
    }

    @Test
    void messagesArrivingBeforeAConfirmationDoNotAnswerIt() {
        send("SUBSCRIBE", "a");
        receive(confirmation("subscribe", "a", 1));
        send("PSUBSCRIBE", "p*");
        receive(message("a", "early"));
        receive("*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$1\r\nx\r\n");
        receive(confirmation("psubscribe", "p*", 2));
        assertThat(pairedWith).containsExactly("SUBSCRIBE", null, null, "PSUBSCRIBE");
    }

    @Test
    void unsubscribeFromAllIsConfirmedOncePerChannelOrOnceWhenThereIsNone() {
        send("SUBSCRIBE", "a", "b");
        send("PSUBSCRIBE", "p*");
        send("UNSUBSCRIBE");
        send("UNSUBSCRIBE");
        send("PUNSUBSCRIBE");
        send("GET", "k");
        receive(confirmation("subscribe", "a", 1));
        receive(confirmation("subscribe", "b", 2));
        receive(confirmation("psubscribe", "p*", 3));
        receive(confirmation("unsubscribe", "a", 2));
        receive(confirmation("unsubscribe", "b", 1));
        receive(confirmation("unsubscribe", null, 1));
        receive(confirmation("punsubscribe", "p*", 0));
        assertThat(pairing.isSubscribed()).isFalse();
        // no longer subscribed: a message-shaped array is an ordinary reply again
        receive(message("x", "y"));
        assertThat(pairedWith).containsExactly("SUBSCRIBE", null, "PSUBSCRIBE", "UNSUBSCRIBE", null, "UNSUBSCRIBE",
                "PUNSUBSCRIBE", "GET");
        assertThat(outstanding).isEmpty();
    }

    @Test
    void anErrorAnswersASubscriptionRequestWithoutChangingState() {
        send("SUBSCRIBE");
        receive("-ERR wrong number of arguments for 'subscribe' command\r\n");
        send("GET", "k");
        receive(message("a", "b"));
        assertThat(pairedWith).containsExactly("SUBSCRIBE", "GET");
    }

    @Test
    void shardChannelsAreTrackedOnTheirOwn() {
        send("SSUBSCRIBE", "s1", "s2");
        send("UNSUBSCRIBE");
        receive(confirmation("ssubscribe", "s1", 1));
        receive(confirmation("ssubscribe", "s2", 2));
        // no plain channel subscribed: unsubscribing from all is confirmed once
        receive(confirmation("unsubscribe", null, 2));
        receive("*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$1\r\nx\r\n");
        // a server drops shard channels whose slot moved away by itself
        receive(confirmation("sunsubscribe", "s1", 1));
        assertThat(pairedWith).containsExactly("SSUBSCRIBE", null, "UNSUBSCRIBE", null, null);
        assertThat(pairing.subscriptionCount()).isEqualTo(1);
    }

    @Test
    void resetEndsSubscriptionsAndResp3() {
        send("HELLO", "3");
        receive("%1\r\n$5\r\nproto\r\n:3\r\n");
        assertThat(pairing.isResp3()).isTrue();
        send("SUBSCRIBE", "a");
        send("RESET");
        receive(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        receive("+RESET\r\n");
        assertThat(pairedWith).containsExactly("HELLO", "SUBSCRIBE", "RESET");
        assertThat(pairing.isResp3()).isFalse();
        assertThat(pairing.isSubscribed()).isFalse();
    }

    @Test
    void resp3PushesNeverAnswerOtherRequestsAndArraysAreRepliesEvenWhenSubscribed() {
        send("HELLO", "3");
        receive("%1\r\n$5\r\nproto\r\n:3\r\n");
        send("SUBSCRIBE", "a", "b");
        receive(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        receive(">3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
        send("LRANGE", "l", "0", "-1");
        receive(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n");
        receive(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
        // RESP3 allows ordinary commands while subscribed; this array is LRANGE's reply
        receive(message("a", "not a push"));
        send("PING");
        receive("+PONG\r\n");
        assertThat(pairedWith).containsExactly("HELLO", "SUBSCRIBE", null, null, null, "LRANGE", "PING");
    }

    @Test
    void helloTwoAndFailedHelloSetTheProtocol() {
        send("HELLO", "3");
        receive("-NOPROTO unsupported protocol version\r\n");
        assertThat(pairing.isResp3()).isFalse();
        send("HELLO", "3");
        receive("%1\r\n$5\r\nproto\r\n:3\r\n");
        send("HELLO", "2");
        receive("*2\r\n$5\r\nproto\r\n:2\r\n");
        assertThat(pairing.isResp3()).isFalse();
    }

    @Test
    void subscribeInsideMultiIsLearntFromTheConfirmationsThatFollowExec() {
        send("MULTI");
        send("SUBSCRIBE", "a", "b");
        send("EXEC");
        receive("+OK\r\n");
        receive("+QUEUED\r\n");
        // what redis-server 7.0 sends: EXEC's reply holds the first confirmation, the second follows on its own
        receive("*1\r\n" + confirmation("subscribe", "a", 1));
        receive(confirmation("subscribe", "b", 2));
        assertThat(pairing.subscriptionCount()).isEqualTo(1);
        send("PING");
        receive(message("a", "x"));
        receive("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        assertThat(pairedWith).containsExactly("MULTI", "SUBSCRIBE", "EXEC", null, null, "PING");
    }

    @Test
    void repliesWithNothingOutstandingArriveOnTheirOwn() {
        receive("+OK\r\n");
        receive(">2\r\n$10\r\ninvalidate\r\n_\r\n");
        assertThat(pairedWith).containsExactly(null, null);
    }
}
