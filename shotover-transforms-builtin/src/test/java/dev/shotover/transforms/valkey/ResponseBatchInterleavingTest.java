package dev.shotover.transforms.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.transforms.testing.ValkeyMessages;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseBatchInterleavingTest {

    @Test
    void withoutUnsolicitedMessagesItCompletesWithTheResponsesInRequestOrder() {
        ResponseBatch batch = new ResponseBatch(2);
        Message first = ValkeyMessages.command("A");
        Message second = ValkeyMessages.command("B");
        batch.put(1, second);
        assertThat(batch.done()).isNotDone();
        batch.put(0, first);
        assertThat(batch.done().join()).containsExactly(first, second);
    }

    @Test
    void unsolicitedMessagesGoJustBeforeTheResponseThatFollowedThem() {
        ResponseBatch batch = new ResponseBatch(3);
        Message r0 = ValkeyMessages.command("R0");
        Message r1 = ValkeyMessages.command("R1");
        Message r2 = ValkeyMessages.command("R2");
        Message p1 = ValkeyMessages.command("P1");
        Message p2a = ValkeyMessages.command("P2a");
        Message p2b = ValkeyMessages.command("P2b");
        batch.put(0, r0);
        batch.putUnsolicited(1, p1);
        batch.put(1, r1);
        batch.putUnsolicited(2, p2a);
        batch.putUnsolicited(2, p2b);
        batch.put(2, r2);
        assertThat(batch.done().join()).containsExactly(r0, p1, r1, p2a, p2b, r2);
    }

    @Test
    void failingReleasesEverythingItHeld() {
        ResponseBatch batch = new ResponseBatch(2);
        Message response = ValkeyMessages.raw(ValkeyMessages.resp("OK"));
        Message push = ValkeyMessages.raw(ValkeyMessages.resp("message", "ch", "x"));
        batch.put(0, response);
        batch.putUnsolicited(1, push);
        batch.fail(new IOException("gone"));
        assertThat(batch.done()).isCompletedExceptionally();
        assertThat(response.rawBytes()).isNull();
        assertThat(push.rawBytes()).isNull();
        // a second failure changes nothing
        batch.fail(new IOException("again"));
        assertThat(List.of(response, push)).allSatisfy(m -> assertThat(m.toString()).contains("released"));
    }
}
