package dev.shotover.transforms.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class ApiVersionsLimiterTest {

    private static Message fromBroker(ApiVersionsResponseData body) {
        short version = 3;
        KafkaFrame.Response frame = new KafkaFrame.Response(ApiKeys.API_VERSIONS, version,
                new RequestHeader(ApiKeys.API_VERSIONS, version, "c", 1).toResponseHeader(), body);
        return Message.fromRaw(Protocol.KAFKA, KafkaFrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT),
                KafkaFrameParsers.response(ApiKeys.API_VERSIONS.id, version), 0);
    }

    private static ApiVersionsResponseData.ApiVersion api(int key, int min, int max) {
        return new ApiVersionsResponseData.ApiVersion().setApiKey((short) key).setMinVersion((short) min)
                .setMaxVersion((short) max);
    }

    @Test
    void versionsNewerThanTheCodecKnowsAreNotOffered() {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        data.apiKeys().add(api(ApiKeys.METADATA.id, 0, 99));
        data.apiKeys().add(api(ApiKeys.PRODUCE.id, 3, ApiKeys.PRODUCE.latestVersion()));
        data.apiKeys().add(api(999, 0, 5));
        data.apiKeys().add(api(ApiKeys.FETCH.id, 90, 99));
        Message response = fromBroker(data);
        try {
            assertThat(ApiVersionsLimiter.limit(response)).isTrue();
            ByteBuf written = KafkaFrameCodec.encode(response.frame(KafkaFrame.class), UnpooledByteBufAllocator.DEFAULT);
            try {
                ApiVersionsResponseData out = KafkaFrameCodec.decodeResponse(written, ApiKeys.API_VERSIONS, (short) 3)
                        .body(ApiVersionsResponseData.class);
                assertThat(out.apiKeys().find(ApiKeys.METADATA.id).maxVersion()).isEqualTo(ApiKeys.METADATA.latestVersion());
                assertThat(out.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion()).isEqualTo(ApiKeys.PRODUCE.latestVersion());
                assertThat(out.apiKeys().find((short) 999).maxVersion()).as("unknown to us: untouched").isEqualTo((short) 5);
                assertThat(out.apiKeys().find(ApiKeys.FETCH.id).maxVersion()).as("nothing would remain").isEqualTo((short) 99);
            } finally {
                written.release();
            }
        } finally {
            response.release();
        }
    }

    @Test
    void aResponseWithNothingToLowerKeepsItsBytes() {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        data.apiKeys().add(api(ApiKeys.METADATA.id, 0, ApiKeys.METADATA.latestVersion()));
        Message response = fromBroker(data);
        try {
            assertThat(ApiVersionsLimiter.limit(response)).isFalse();
            assertThat(response.isModified()).isFalse();
        } finally {
            response.release();
        }
    }
}
