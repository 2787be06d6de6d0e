package dev.shotover.transforms.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.ValkeyMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValkeyClusterPortsRewriteTest {
    private static final String NODES = "e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-16383\n";

    /** Answers CLUSTER NODES with {@link #NODES} and everything else with the echo; responses in reverse order. */
    private static List<Message> respondReversed(List<Message> requests) {
        List<Message> responses = new ArrayList<>();
        for (Message request : requests) {
            String words = FakeDownChain.words(request);
            responses.add(0, Message.responseTo(request, words.equals("CLUSTER NODES")
                    ? ValkeyFrame.bulk(NODES) : ValkeyFrame.bulk(words)));
        }
        return responses;
    }

    @Test
    void rewritesOnlyTheResponsesOfTopologyRequestsFoundByRequestId() {
        FakeDownChain down = new FakeDownChain(ValkeyClusterPortsRewriteTest::respondReversed);
        ValkeyClusterPortsRewrite transform = new ValkeyClusterPortsRewrite(6380);
        Message nodes = ValkeyMessages.command("CLUSTER", "NODES");
        // a GET whose value looks like a node line must not be touched
        Message get = ValkeyMessages.command("GET", "k 127.0.0.1:30001@40001 x");
        List<Message> responses = transform.transform(down.state(ValkeyMessages.batch(get, nodes)))
                .toCompletableFuture().join();
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).requestId()).isEqualTo(nodes.id());
        assertThat(ValkeyMessages.render(responses.get(0)))
                .isEqualTo("bulk:e7d1 127.0.0.1:6380@40001 myself,master - 0 0 1 connected 0-16383\n");
        assertThat(ValkeyMessages.render(responses.get(1))).isEqualTo("bulk:GET k 127.0.0.1:30001@40001 x");
    }

    @Test
    void redirectsNameTheNewPortAndOtherErrorsAreKept() {
        FakeDownChain down = new FakeDownChain(requests -> List.of(
                Message.responseTo(requests.get(0), ValkeyFrame.error("MOVED 12182 10.0.0.3:30003")),
                Message.responseTo(requests.get(1), ValkeyFrame.error("NOAUTH Authentication required."))));
        ValkeyClusterPortsRewrite transform = new ValkeyClusterPortsRewrite(6380);
        List<Message> responses = transform.transform(down.state(ValkeyMessages.batch(
                ValkeyMessages.command("GET", "foo"), ValkeyMessages.command("CLUSTER", "SLOTS"))))
                .toCompletableFuture().join();
        assertThat(ValkeyMessages.render(responses.get(0))).isEqualTo("error:MOVED 12182 10.0.0.3:6380");
        assertThat(ValkeyMessages.render(responses.get(1))).isEqualTo("error:NOAUTH Authentication required.");
    }

    @Test
    void batchesWithoutTopologyRequestsAndEmptyRunsPassThrough() {
        FakeDownChain down = FakeDownChain.echo();
        ValkeyClusterPortsRewrite transform = new ValkeyClusterPortsRewrite(6380);
        List<Message> responses = transform.transform(down.state(ValkeyMessages.batch(
                ValkeyMessages.command("CLUSTER", "INFO")))).toCompletableFuture().join();
        assertThat(ValkeyMessages.render(responses.get(0))).isEqualTo("bulk:echo:CLUSTER INFO");
        assertThat(transform.transform(down.state(ValkeyMessages.batch())).toCompletableFuture().join()).isEmpty();
        assertThat(down.calls()).hasSize(2);
    }
}
