package dev.shotover.transforms.counter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;

class QueryCounterKafkaTest {
    private final TestMetrics metrics = new TestMetrics();

    private static Message raw(ApiMessage body, short version) {
        return Message.fromRaw(Protocol.KAFKA, KafkaFrameCodec.encode(KafkaFrame.Request.of(body, version, "c", 1),
                UnpooledByteBufAllocator.DEFAULT), KafkaFrameParsers.REQUEST, 0);
    }

    @Test
    void countsKafkaRequestsByApiKeyNameWithoutDecodingThem() throws Exception {
        Transform counter = new QueryCounterConfig(null, "kafka-chain")
                .builder(TestContexts.build("QueryCounter", metrics)).build(TestContexts.connection());
        List<Message> requests = new ArrayList<>(List.of(raw(new ApiVersionsRequestData(), (short) 3),
                raw(new MetadataRequestData(), (short) 12), raw(new MetadataRequestData(), (short) 9)));
        try {
            counter.transform(new FakeDownChain(r -> List.of()).state(requests)).toCompletableFuture().join();
            assertThat(metrics.value("shotover_query_count", "name", "kafka-chain", "query", "ApiVersions",
                    "type", "kafka")).isEqualTo(1);
            assertThat(metrics.value("shotover_query_count", "name", "kafka-chain", "query", "Metadata",
                    "type", "kafka")).isEqualTo(2);
            assertThat(requests).allSatisfy(m -> assertThat(m.isParsed()).isFalse());
        } finally {
            requests.forEach(Message::release);
        }
    }
}
