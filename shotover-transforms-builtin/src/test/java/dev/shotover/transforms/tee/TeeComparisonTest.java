package dev.shotover.transforms.tee;

import static dev.shotover.transforms.tee.TeeMessages.renderAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TeeComparisonTest {
    private final TeeMessages messages = new TeeMessages();
    private final List<Message> toRelease = new ArrayList<>();

    @AfterEach
    void everyBufferIsReleased() {
        TeeMessages.releaseAll(toRelease);
        assertThat(messages.unreleased()).isEmpty();
    }

    private TeeBatch batch(Message... originals) {
        toRelease.addAll(List.of(originals));
        TeeBatch batch = TeeBatch.copying(List.of(originals));
        toRelease.addAll(batch.copies());
        return batch;
    }

    private static ChainOutcome answered(Message... responses) {
        return new ChainOutcome.Answered(List.of(responses));
    }

    private TeeComparison.Resolution keep(TeeComparison.Resolution resolution) {
        toRelease.addAll(resolution.responses());
        return resolution;
    }

    @Test
    void pairsResponsesByRequestIdNotByPosition() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        Message c = messages.request("GET", "c");
        TeeBatch batch = batch(a, b, c);
        Message downA = messages.bulk(a, "1");
        Message downB = messages.bulk(b, "2");
        Message downC = messages.bulk(c, "3");
        // an out-of-order tee chain answers the copies in reverse
        List<Message> copies = batch.copies();
        ChainOutcome tee = answered(messages.bulk(copies.get(2), "3"), messages.bulk(copies.get(1), "2"),
                messages.bulk(copies.get(0), "1"));

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, answered(downA, downB, downC), tee,
                false, true, false));

        assertThat(resolution.mismatches()).isEmpty();
        assertThat(resolution.responses()).containsExactly(downA, downB, downC);
    }

    @Test
    void aDifferingPairIsAMismatchDescribedByItsValues() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        TeeBatch batch = batch(a, b);
        ChainOutcome down = answered(messages.bulk(a, "1"), messages.bulk(b, "2"));
        ChainOutcome tee = answered(messages.bulk(batch.copies().get(0), "1"),
                messages.bulk(batch.copies().get(1), "41"));

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, down, tee, false, true, false));

        assertThat(resolution.mismatches()).containsExactly(
                new TeeComparison.Mismatch(1, "BulkString[2]", "BulkString[41]"));
        assertThat(renderAll(resolution.responses())).containsExactly("bulk:1", "bulk:2");
    }

    @Test
    void failOnMismatchReplacesOnlyTheMismatchingResponseWithShotoversError() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        TeeBatch batch = batch(a, b);
        Message downB = messages.bulk(b, "2");
        ChainOutcome down = answered(messages.bulk(a, "1"), downB);
        ChainOutcome tee = answered(messages.bulk(batch.copies().get(0), "1"),
                messages.bulk(batch.copies().get(1), "41"));

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, down, tee, false, true, true));

        assertThat(renderAll(resolution.responses())).containsExactly("bulk:1",
                "error:ERR The responses from the Tee subchain and down-chain did not match and behavior is set to fail on mismatch");
        assertThat(resolution.responses().get(1).requestId()).isEqualTo(b.id());
        assertThat(downB.rawBytes()).as("the replaced response is released").isNull();
    }

    @Test
    void teeChainAsResultSourceReturnsItsResponsesUnderTheOriginalRequestIds() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        TeeBatch batch = batch(a, b);
        Message downA = messages.bulk(a, "main-a");
        Message downB = messages.bulk(b, "main-b");
        ChainOutcome tee = answered(messages.bulk(batch.copies().get(0), "tee-a"),
                messages.bulk(batch.copies().get(1), "tee-b"));

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, tee, answered(downA, downB),
                true, false, false));

        assertThat(renderAll(resolution.responses())).containsExactly("bulk:tee-a", "bulk:tee-b");
        assertThat(resolution.responses()).extracting(Message::requestId).containsExactly(a.id(), b.id());
        assertThat(resolution.mismatches()).isEmpty();
        assertThat(downA.rawBytes()).isNull();
        assertThat(downB.rawBytes()).isNull();
    }

    @Test
    void unsolicitedResponsesPassOnlyFromTheResultSource() {
        Message a = messages.request("GET", "a");
        TeeBatch batch = batch(a);
        Message downPush = messages.bulk(null, "down-push");
        Message teePush = messages.bulk(null, "tee-push");
        ChainOutcome down = answered(downPush, messages.bulk(a, "1"));
        ChainOutcome tee = answered(messages.bulk(batch.copies().get(0), "1"), teePush);

        TeeComparison.Resolution regular = keep(TeeComparison.resolve(batch, down, tee, false, true, false));

        assertThat(renderAll(regular.responses())).containsExactly("bulk:down-push", "bulk:1");
        assertThat(regular.mismatches()).isEmpty();
        assertThat(teePush.rawBytes()).isNull();
    }

    @Test
    void aTimedOutResultSourceAnswersEveryRequestWithAnError() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        TeeBatch batch = batch(a, b);
        ChainOutcome down = answered(messages.bulk(a, "1"), messages.bulk(b, "2"));

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, new ChainOutcome.TimedOut(250),
                down, true, false, false));

        assertThat(renderAll(resolution.responses())).containsExactly(
                "error:ERR The Tee sub-chain did not respond within 250 microseconds",
                "error:ERR The Tee sub-chain did not respond within 250 microseconds");
        assertThat(resolution.responses()).extracting(Message::requestId).containsExactly(a.id(), b.id());
    }

    @Test
    void aFailedOrTimedOutOtherChainMakesEveryRequestAMismatch() {
        Message a = messages.request("GET", "a");
        TeeBatch batch = batch(a);

        TeeComparison.Resolution failed = keep(TeeComparison.resolve(batch, answered(messages.bulk(a, "1")),
                new ChainOutcome.Failed(new RuntimeException("Transform X named y failed in chain Tee",
                        new IOException("Connection refused"))), false, true, false));
        TeeComparison.Resolution timedOut = keep(TeeComparison.resolve(batch, answered(messages.bulk(a, "1")),
                new ChainOutcome.TimedOut(1000), false, true, false));

        assertThat(failed.mismatches()).containsExactly(new TeeComparison.Mismatch(0, "BulkString[1]",
                "no response: the tee chain failed: Transform X named y failed in chain Tee: Connection refused"));
        assertThat(timedOut.mismatches()).containsExactly(new TeeComparison.Mismatch(0, "BulkString[1]",
                "no response: the tee chain did not answer within 1000 microseconds"));
        assertThat(renderAll(failed.responses())).containsExactly("bulk:1");
    }

    @Test
    void ignoreNeverComparesButStillReleasesTheOtherChain() {
        Message a = messages.request("GET", "a");
        TeeBatch batch = batch(a);
        Message teeResponse = messages.bulk(batch.copies().get(0), "different");

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, answered(messages.bulk(a, "1")),
                answered(teeResponse), false, false, false));

        assertThat(resolution.mismatches()).isEmpty();
        assertThat(renderAll(resolution.responses())).containsExactly("bulk:1");
        assertThat(teeResponse.rawBytes()).isNull();
    }

    @Test
    void aResponseMissingFromTheOtherChainIsAMismatchAndAMissingResultIsAnError() {
        Message a = messages.request("GET", "a");
        Message b = messages.request("GET", "b");
        TeeBatch batch = batch(a, b);

        TeeComparison.Resolution resolution = keep(TeeComparison.resolve(batch, answered(messages.bulk(a, "1")),
                answered(messages.bulk(batch.copies().get(0), "1"), messages.bulk(batch.copies().get(1), "2")),
                false, true, false));

        assertThat(resolution.mismatches()).containsExactly(new TeeComparison.Mismatch(1,
                "no response: the down-chain returned none for this request", "BulkString[2]"));
        assertThat(renderAll(resolution.responses())).containsExactly("bulk:1",
                "error:ERR The Tee down-chain returned no response to this request");
    }

    @Test
    void sameResponseComparesValuesNotIdsOrEncodings() {
        Message request = messages.request("GET", "a");
        toRelease.add(request);
        Message raw = messages.bulk(request, "42");
        Message sameRaw = messages.bulk(null, "42");
        Message generated = Message.responseTo(request, ValkeyFrame.bulk("42"));
        Message other = messages.bulk(request, "41");
        Message unparseable = messages.response(request, "?garbage\r\n");
        Message sameUnparseable = messages.response(request, "?garbage\r\n");
        toRelease.addAll(List.of(raw, sameRaw, generated, other, unparseable, sameUnparseable));

        assertThat(TeeComparison.sameResponse(raw, sameRaw)).isTrue();
        assertThat(TeeComparison.sameResponse(raw, generated)).isTrue();
        assertThat(TeeComparison.sameResponse(generated, raw)).isTrue();
        assertThat(TeeComparison.sameResponse(raw, other)).isFalse();
        assertThat(TeeComparison.sameResponse(unparseable, sameUnparseable)).isTrue();
        assertThat(TeeComparison.sameResponse(unparseable, raw)).isFalse();
        assertThat(TeeComparison.describe(unparseable)).startsWith("unparseable message of 10 bytes (");
    }
}
