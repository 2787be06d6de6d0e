package dev.shotover.protocols.kafka;

import static dev.shotover.protocols.kafka.KafkaSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.kafka.KafkaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;

class KafkaFrameCodecTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void everyRequestAndResponseOfEveryVersionDecodesAndEncodesBackToTheSameBytes() {
        List<String> checked = new ArrayList<>();
        for (ApiKeys key : ApiKeys.values()) {
            if (!key.hasValidVersion()) {
                continue;
            }
            for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                ApiMessage request = ApiMessageType.fromApiKey(key.id).newRequest();
                ApiMessage response = ApiMessageType.fromApiKey(key.id).newResponse();
                ByteBuf requestWire = KafkaSamples.request(request, v, 1000 + v);
                ByteBuf responseWire = KafkaSamples.response(response, v, 1000 + v);
                try {
                    KafkaFrame.Request decoded = KafkaFrameCodec.decodeRequest(requestWire);
                    assertThat(decoded.apiKey()).isEqualTo(key);
                    assertThat(decoded.apiVersion()).isEqualTo(v);
                    assertThat(decoded.correlationId()).isEqualTo(1000 + v);
                    assertThat(decoded.body()).isEqualTo(request);
                    assertReencodesTo(decoded, requestWire, key + " v" + v + " request");

                    KafkaFrame.Response decodedResponse = KafkaFrameCodec.decodeResponse(responseWire, key, v);
                    assertThat(decodedResponse.body()).isEqualTo(response);
                    assertThat(decodedResponse.correlationId()).isEqualTo(1000 + v);
                    assertReencodesTo(decodedResponse, responseWire, key + " v" + v + " response");
                    checked.add(key + " v" + v);
                } finally {
                    requestWire.release();
                    responseWire.release();
                }
            }
        }
        // every API of kafka-clients 4.3 with its versions: hundreds of shapes, flexible and not
        assertThat(checked).hasSizeGreaterThanOrEqualTo(300).contains("PRODUCE v3", "PRODUCE v13", "FETCH v18",
                "METADATA v0", "API_VERSIONS v4", "FIND_COORDINATOR v6", "DESCRIBE_CLUSTER v2");
    }

    @Test
    void recordsAndUnknownTaggedFieldsSurviveTheRoundTrip() {
        ProduceRequestData produce = KafkaSamples.produce((short) 1, "txn-1");
        ByteBuf wire = KafkaSamples.request(produce, (short) 13, 7);
        ByteBuf metadataWire = KafkaSamples.response(KafkaSamples.metadata(9092, 9093), (short) 13, 8);
        try {
            KafkaFrame.Request request = KafkaFrameCodec.decodeRequest(wire);
            ProduceRequestData body = request.body(ProduceRequestData.class);
            assertThat(body.transactionalId()).isEqualTo("txn-1");
            MemoryRecords records = (MemoryRecords) body.topicData().iterator().next().partitionData().get(0).records();
            Record record = records.records().iterator().next();
            assertThat(new String(bytesOf(record.value()))).isEqualTo("hello");
            assertReencodesTo(request, wire, "produce");

            KafkaFrame.Response metadata = KafkaFrameCodec.decodeResponse(metadataWire, ApiKeys.METADATA, (short) 13);
            assertThat(metadata.body(MetadataResponseData.class).unknownTaggedFields())
                    .containsExactly(new RawTaggedField(99, new byte[] {1, 2, 3}));
            assertReencodesTo(metadata, metadataWire, "metadata");
        } finally {
            wire.release();
            metadataWire.release();
        }
    }

    @Test
    void decodedFramesDoNotDependOnTheNetworkBuffer() {
        ByteBuf wire = KafkaSamples.request(KafkaSamples.produce((short) -1, null), (short) 9, 1);
        KafkaFrame.Request request = KafkaFrameCodec.decodeRequest(wire);
        wire.setZero(0, wire.readableBytes());
        wire.release();
        MemoryRecords records = (MemoryRecords) request.body(ProduceRequestData.class).topicData().iterator().next()
                .partitionData().get(0).records();
        assertThat(new String(bytesOf(records.records().iterator().next().value()))).isEqualTo("hello");
    }

    @Test
    void aChangedBodyIsEncodedWithACorrectSizePrefix() {
        ByteBuf wire = KafkaSamples.response(KafkaSamples.metadata(9092), (short) 12, 5);
        try {
            KafkaFrame.Response response = KafkaFrameCodec.decodeResponse(wire, ApiKeys.METADATA, (short) 12);
            response.body(MetadataResponseData.class).brokers().iterator().next().setHost("a-much-longer-host-name");
            ByteBuf encoded = KafkaFrameCodec.encode(response, ALLOC);
            try {
                assertThat(encoded.getInt(0)).isEqualTo(encoded.readableBytes() - 4);
                assertThat(encoded.readableBytes()).isEqualTo(wire.readableBytes() + "a-much-longer-host-name".length()
                        - "127.0.0.1".length());
                KafkaFrame.Response again = KafkaFrameCodec.decodeResponse(encoded, ApiKeys.METADATA, (short) 12);
                assertThat(again.body(MetadataResponseData.class).brokers().iterator().next().host())
                        .isEqualTo("a-much-longer-host-name");
                assertThat(again.correlationId()).isEqualTo(5);
            } finally {
                encoded.release();
            }
        } finally {
            wire.release();
        }
    }

    @Test
    void aNullClientIdStaysNull() {
        ByteBuf wire = KafkaSamples.request(new MetadataRequestData(), (short) 4, 3);
        try {
            // client_id is the int16-length string right after the correlation id: make it null (-1)
            ByteBuf nullClientId = Unpooled.buffer();
            nullClientId.writeInt(wire.readableBytes() - 4 - "sample-client".length());
            nullClientId.writeBytes(wire, 4, 8);
            nullClientId.writeShort(-1);
            nullClientId.writeBytes(wire, 14 + "sample-client".length(), wire.readableBytes() - 14 - "sample-client".length());
            try {
                KafkaFrame.Request request = KafkaFrameCodec.decodeRequest(nullClientId);
                assertThat(request.header().clientId()).isNull();
                assertReencodesTo(request, nullClientId, "null client id");
            } finally {
                nullClientId.release();
            }
        } finally {
            wire.release();
        }
    }

    @Test
    void anApiVersionsResponseSentAsVersionZeroDecodes() {
        ApiVersionsResponseData v0 = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        v0.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey((short) 18).setMinVersion((short) 0)
                .setMaxVersion((short) 3));
        ByteBuf wire = KafkaSamples.response(v0, (short) 0, 1);
        try {
            KafkaFrame.Response response = KafkaFrameCodec.decodeResponse(wire, ApiKeys.API_VERSIONS, (short) 4);
            assertThat(response.apiVersion()).isZero();
            assertThat(response.body(ApiVersionsResponseData.class).errorCode())
                    .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertReencodesTo(response, wire, "api versions v0");
            // a client newer than kafka-clients 4.3 asks for a version neither the broker nor we know
            short unknown = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
            assertThat(((KafkaFrame.Response) KafkaFrameParsers.response(ApiKeys.API_VERSIONS.id, unknown).parse(wire))
                    .apiVersion()).isZero();
        } finally {
            wire.release();
        }
    }

    @Test
    void badBytesAreReportedNotGuessed() {
        ByteBuf unknownKey = Unpooled.buffer().writeInt(8).writeShort(999).writeShort(0).writeInt(1);
        ByteBuf badVersion = Unpooled.buffer().writeInt(8).writeShort(ApiKeys.PRODUCE.id).writeShort(99).writeInt(1);
        ByteBuf truncated = KafkaSamples.request(KafkaSamples.produce((short) 1, null), (short) 9, 1);
        ByteBuf cut = Unpooled.buffer().writeInt(truncated.readableBytes() - 14).writeBytes(truncated, 4,
                truncated.readableBytes() - 14);
        ByteBuf trailing = Unpooled.buffer();
        ByteBuf metadata = KafkaSamples.request(new MetadataRequestData(), (short) 12, 1);
        trailing.writeInt(metadata.readableBytes() - 4 + 1).writeBytes(metadata, 4, metadata.readableBytes() - 4).writeByte(0);
        try {
            assertThatThrownBy(() -> KafkaFrameCodec.decodeRequest(unknownKey)).isInstanceOf(KafkaDecodeException.class)
                    .hasMessage("Error decoding kafka frame: unknown api key 999");
            assertThatThrownBy(() -> KafkaFrameCodec.decodeRequest(badVersion))
                    .hasMessageContaining("unsupported Produce request version 99");
            assertThatThrownBy(() -> KafkaFrameCodec.decodeRequest(cut))
                    .isInstanceOf(KafkaDecodeException.class).hasMessageContaining("invalid Produce v9 request");
            assertThatThrownBy(() -> KafkaFrameCodec.decodeRequest(trailing))
                    .hasMessageContaining("1 unexpected bytes after the Metadata v12 request");
            assertThatThrownBy(() -> KafkaFrameCodec.encode(new KafkaFrame.NoResponse(ApiKeys.PRODUCE, (short) 9, 1),
                    ALLOC)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            unknownKey.release();
            badVersion.release();
            truncated.release();
            cut.release();
            trailing.release();
            metadata.release();
        }
    }

    @Test
    void aViewReadsTheBufferWithoutCopying() {
        ByteBuf wire = KafkaSamples.response(KafkaSamples.metadata(9092, 9093, 9094), (short) 12, 2);
        try {
            KafkaFrame.Response view = KafkaFrameCodec.viewResponse(wire, ApiKeys.METADATA, (short) 12);
            assertThat(view.body(MetadataResponseData.class).brokers()).extracting(b -> b.port())
                    .containsExactly(9092, 9093, 9094);
            assertThat(wire.readerIndex()).isZero();
        } finally {
            wire.release();
        }
    }

    @Test
    void skimmingReadsEveryResponseOfEveryVersionLikeADecode() {
        int checked = 0;
        for (ApiKeys key : ApiKeys.values()) {
            if (!key.hasValidVersion()) {
                continue;
            }
            for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                ApiMessage response = ApiMessageType.fromApiKey(key.id).newResponse();
                if (key == ApiKeys.METADATA && key.responseHeaderVersion(v) >= 1) {
                    // strings, arrays and an unknown tagged field (flexible versions only)
                    response = KafkaSamples.metadata(9092, 9093);
                }
                ByteBuf wire = KafkaSamples.response(response, v, 7);
                try {
                    KafkaFrame.Response decoded = KafkaFrameCodec.decodeResponse(wire, key, v);
                    KafkaFrame.Response skimmed = KafkaFrameCodec.skimResponse(wire, key, v);
                    assertThat(skimmed.body()).as("%s v%d", key, v).isEqualTo(decoded.body());
                    assertThat(skimmed.header().correlationId()).isEqualTo(7);
                    assertThat(wire.readerIndex()).isZero();
                    checked++;
                } finally {
                    wire.release();
                }
            }
        }
        assertThat(checked).as("response versions checked").isGreaterThan(250);
    }

    @Test
    void skimmingAFetchResponseSpreadOverManyBuffersSkipsItsRecordsAndReadsTheRest() {
        FetchResponseData fetch = new FetchResponseData().setThrottleTimeMs(3).setSessionId(12);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopicId(org.apache.kafka.common.Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        for (int p = 0; p < 3; p++) {
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(100 + p)
                    .setRecords(MemoryRecords.withRecords(org.apache.kafka.common.compress.Compression.NONE,
                            KafkaSamples.values(20, 5_000))));
        }
        fetch.responses().add(topic);
        fetch.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(2).setHost("127.0.0.2").setPort(9092));
        ByteBuf contiguous = KafkaSamples.response(fetch, (short) 17, 5);
        // as the decoder gathers a large message: a composite of read-sized pieces
        List<ByteBuf> pieces = new ArrayList<>();
        for (int at = 0; at < contiguous.readableBytes(); at += 4_099) {
            pieces.add(contiguous.retainedSlice(at, Math.min(4_099, contiguous.readableBytes() - at)));
        }
        ByteBuf wire = Unpooled.wrappedBuffer(pieces.toArray(ByteBuf[]::new));
        try {
            assertThat(wire.nioBufferCount()).isGreaterThan(1);
            FetchResponseData skimmed = KafkaFrameCodec.skimResponse(wire, ApiKeys.FETCH, (short) 17)
                    .body(FetchResponseData.class);
            assertThat(skimmed.nodeEndpoints()).isEqualTo(fetch.nodeEndpoints());
            assertThat(skimmed.sessionId()).isEqualTo(12);
            assertThat(skimmed.responses().get(0).partitions()).extracting(FetchResponseData.PartitionData::highWatermark)
                    .containsExactly(100L, 101L, 102L);
            assertThat(skimmed.responses().get(0).partitions()).allSatisfy(partition ->
                    assertThat(((MemoryRecords) partition.records()).sizeInBytes()).isZero());
            assertThat(wire.readerIndex()).isZero();

            ByteBuf cut = wire.retainedSlice(0, wire.readableBytes() - 10);
            ByteBuf truncated = Unpooled.buffer().writeInt(cut.readableBytes() - 4).writeBytes(cut, 4,
                    cut.readableBytes() - 4);
            cut.release();
            assertThatThrownBy(() -> KafkaFrameCodec.skimResponse(truncated, ApiKeys.FETCH, (short) 17))
                    .isInstanceOf(KafkaDecodeException.class).hasMessageContaining("invalid Fetch v17 response");
            truncated.release();
        } finally {
            wire.release();
            contiguous.release();
        }
    }

    private static void assertReencodesTo(KafkaFrame frame, ByteBuf original, String what) {
        ByteBuf again = KafkaFrameCodec.encode(frame, ALLOC);
        try {
            assertThat(bytes(again)).as(what).isEqualTo(bytes(original));
        } finally {
            again.release();
        }
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
