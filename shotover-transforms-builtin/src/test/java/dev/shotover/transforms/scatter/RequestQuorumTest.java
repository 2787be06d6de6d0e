package dev.shotover.transforms.scatter;

import static dev.shotover.transforms.scatter.Replies.raw;
import static dev.shotover.transforms.scatter.Replies.rawBulk;
import static dev.shotover.transforms.scatter.Replies.rawError;
import static dev.shotover.transforms.scatter.Replies.stamped;
import static dev.shotover.transforms.scatter.Replies.text;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolution rules of one request's answers: when it is decided, which response wins, what is released. */
class RequestQuorumTest {
    private static final List<String> ROUTES = List.of("a", "b", "c");
    private final Message request = command("GET", "k");

    @Test
    void decidesOnTheNeededSuccessAndPicksTheNewestTimestamp() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        Message old = stamped(request, "new-but-older-write", 100);
        Message newer = stamped(request, "v2", 200);

        assertThat(quorum.answered(0, old)).isFalse();
        assertThat(quorum.decided()).isFalse();
        assertThat(quorum.answered(1, newer)).isTrue();

        Message answer = quorum.takeAnswer();
        assertThat(answer).isSameAs(newer);
        assertThat(quorum.takeAnswer()).isNull();
        assertThat(quorum.successes()).isEqualTo(2);
    }

    @Test
    void withoutTimestampsTheLargestResponseWinsAndTheLoserIsReleased() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        Message small = rawBulk(request, "x");
        Message large = rawBulk(request, "xxxx");
        ByteBuf smallBytes = small.rawBytes();

        quorum.answered(2, small);
        quorum.answered(0, large);

        Message answer = quorum.takeAnswer();
        assertThat(text(answer)).isEqualTo("xxxx");
        assertThat(smallBytes.refCnt()).isZero();
        answer.release();
    }

    @Test
    void aTimestampBeatsNoTimestampEvenWhenSmaller() {
        RequestQuorum quorum = new RequestQuorum(2, 2);
        Message unstamped = rawBulk(request, "a much larger stale value");
        quorum.answered(0, unstamped);
        quorum.answered(1, stamped(request, "v", 1));

        assertThat(text(quorum.takeAnswer())).isEqualTo("v");
        assertThat(unstamped.rawBytes()).isNull();
    }

    @Test
    void equalTimestampsFallBackToSizeThenToTheFirstArrival() {
        RequestQuorum bySize = new RequestQuorum(2, 2);
        bySize.answered(0, stamped(request, "ab", 7));
        bySize.answered(1, stamped(request, "abc", 7));
        assertThat(text(bySize.takeAnswer())).isEqualTo("abc");

        RequestQuorum byArrival = new RequestQuorum(2, 2);
        byArrival.answered(1, stamped(request, "first", 7));
        byArrival.answered(0, stamped(request, "other", 7));
        assertThat(text(byArrival.takeAnswer())).isEqualTo("first");
    }

    @Test
    void lateAnswersAreReleasedOnArrival() {
        RequestQuorum quorum = new RequestQuorum(3, 1);
        assertThat(quorum.answered(0, rawBulk(request, "fast"))).isTrue();
        Message late = rawBulk(request, "slow");
        ByteBuf lateBytes = late.rawBytes();

        assertThat(quorum.answered(1, late)).isFalse();
        assertThat(quorum.failed(2, "gone")).isFalse();

        assertThat(lateBytes.refCnt()).isZero();
        quorum.takeAnswer().release();
    }

    @Test
    void errorRepliesDoNotCountAsSuccesses() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        Message oom = rawError(request, "OOM command not allowed when used memory > 'maxmemory'.");
        ByteBuf oomBytes = oom.rawBytes();
        quorum.answered(0, oom);
        quorum.answered(1, raw(request, ValkeyFrame.ok()));
        assertThat(quorum.decided()).isFalse();
        quorum.answered(2, raw(request, ValkeyFrame.ok()));

        Message answer = quorum.takeAnswer();
        assertThat(answer.frame()).isEqualTo(ValkeyFrame.ok());
        assertThat(oomBytes.refCnt()).isZero();
        answer.release();
    }

    @Test
    void failsAsSoonAsTheNeededSuccessesAreOutOfReach() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        assertThat(quorum.failed(0, "Failed to connect")).isFalse();
        assertThat(quorum.answered(1, rawError(request, "ERR boom"))).isTrue();

        assertThat(quorum.takeAnswer()).isNull();
        assertThat(quorum.successes()).isZero();
        assertThat(quorum.describeRoutes(ROUTES)).containsExactly("a failed: Failed to connect",
                "b answered with an error: ERR boom", "c has not answered yet");
    }

    @Test
    void anErrorEnoughRoutesAgreeOnIsTheAnswer() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        Message first = rawError(request, "WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThat(quorum.answered(2, first)).isFalse();
        Message second = rawError(request, "WRONGTYPE Operation against a key holding the wrong kind of value");
        ByteBuf secondBytes = second.rawBytes();
        // two of three routes cannot succeed any more: decided without waiting for route a
        assertThat(quorum.answered(1, second)).isTrue();

        assertThat(quorum.takeAnswer()).isSameAs(first);
        assertThat(secondBytes.refCnt()).isZero();
        first.release();
    }

    @Test
    void anErrorFewerRoutesThanNeededAgreeOnIsNoAnswer() {
        RequestQuorum quorum = new RequestQuorum(3, 2);
        quorum.answered(2, rawError(request, "WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertThat(quorum.failed(0, "Failed to connect")).isTrue();
        assertThat(quorum.takeAnswer()).isNull();
        assertThat(quorum.describeRoutes(ROUTES)).containsExactly("a failed: Failed to connect",
                "b has not answered yet",
                "c answered with an error: WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    @Test
    void differentErrorsAreNoAgreement() {
        RequestQuorum quorum = new RequestQuorum(2, 2);
        quorum.answered(0, rawError(request, "ERR one"));
        quorum.answered(1, rawError(request, "ERR two"));
        assertThat(quorum.decided()).isTrue();
        assertThat(quorum.takeAnswer()).isNull();
    }

    @Test
    void aRouteCountsOnce() {
        RequestQuorum quorum = new RequestQuorum(2, 2);
        quorum.answered(0, rawBulk(request, "a"));
        Message duplicate = rawBulk(request, "again");
        ByteBuf duplicateBytes = duplicate.rawBytes();
        assertThat(quorum.answered(0, duplicate)).isFalse();
        assertThat(quorum.decided()).isFalse();
        assertThat(duplicateBytes.refCnt()).isZero();
        quorum.failed(1, "x");
        assertThat(quorum.takeAnswer()).isNull();
    }

    @Test
    void neededMustBeBetweenOneAndTheRoutes() {
        assertThatThrownBy(() -> new RequestQuorum(3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestQuorum(3, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
