package dev.shotover.transforms.throttling;

import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestThrottlingTest {

    @Test
    void requestsOverTheLimitAreAnsweredOverloadedInPlaceAndCounted() throws Exception {
        TestMetrics metrics = new TestMetrics();
        TransformBuilder builder = new RequestThrottlingConfig(null, 50)
                .builder(TestContexts.build("RequestThrottling", metrics));
        assertThat(builder.validate()).isEmpty();
        // two connections share one limiter
        Transform first = builder.build(TestContexts.connection());
        Transform second = builder.build(TestContexts.connection());
        FakeDownChain down = FakeDownChain.echo();

        List<String> answers = new ArrayList<>();
        for (Transform connection : List.of(first, second)) {
            List<Message> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                requests.add(command("GET", "k" + i));
            }
            List<Message> responses = connection.transform(down.state(requests)).toCompletableFuture().join();
            assertThat(responses).extracting(Message::requestId)
                    .containsExactlyElementsOf(requests.stream().map(Message::id).toList());
            responses.forEach(r -> answers.add(render(r)));
        }

        long overloaded = answers.stream().filter(a -> a.equals("error:ERR Server overloaded")).count();
        // a burst of 50 within a few milliseconds (plus at most a couple refilled meanwhile)
        assertThat(overloaded).isBetween(25L, 30L);
        assertThat(answers.subList(0, 40)).allMatch(a -> a.startsWith("bulk:echo:GET"));
        assertThat(metrics.value("shotover_throttled_requests_count", "chain", "test-chain", "transform", "RequestThrottling"))
                .isEqualTo(overloaded);
    }

    @Test
    void ratesBelowFiftyAreRejectedWithShotoversText() {
        TransformBuilder builder = new RequestThrottlingConfig(null, 10)
                .builder(TestContexts.build("RequestThrottling", new TestMetrics()));
        assertThat(builder.validate())
                .containsExactly("max_requests_per_second has a minimum allowed value of 50 but it was configured to 10");
    }
}
