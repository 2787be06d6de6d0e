package dev.shotover.transforms.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerPortRewriterTest {
    private static final int PROXY_PORT = 9192;
    private final List<Message> messages = new ArrayList<>();

    @AfterEach
    void release() {
        messages.forEach(Message::release);
    }

    /** A response as it arrives from the broker: raw bytes with the parser of its request's version. */
    private Message fromBroker(ApiMessage body, short version) {
        ApiKeys key = ApiKeys.forId(body.apiKey());
        KafkaFrame.Response frame = new KafkaFrame.Response(key, version,
                new RequestHeader(key, version, "c", 1).toResponseHeader(), body);
        Message message = Message.fromRaw(Protocol.KAFKA, KafkaFrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT),
                KafkaFrameParsers.response(key.id, version), 0);
        messages.add(message);
        return message;
    }

    /** What the client would decode from the bytes the proxy writes. */
    private static <T extends ApiMessage> T written(Message message, Class<T> type) {
        var bytes = message.rawBytes() != null ? message.rawBytes().retainedDuplicate()
                : KafkaFrameCodec.encode(message.frame(KafkaFrame.class), UnpooledByteBufAllocator.DEFAULT);
        try {
            KafkaFrame frame = message.frame(KafkaFrame.class);
            return KafkaFrameCodec.decodeResponse(bytes, frame.apiKey(), frame.apiVersion()).body(type);
        } finally {
            bytes.release();
        }
    }

    @Test
    void metadataBrokersGetTheProxyPortAndKeepTheirHosts() {
        for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(); v++) {
            MetadataResponseData data = new MetadataResponseData();
            data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("127.0.0.1").setPort(9092));
            data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(2).setHost("127.0.0.2").setPort(9092));
            Message response = fromBroker(data, v);
            BrokerPortRewriter.rewrite(response, ApiKeys.METADATA.id, v, PROXY_PORT);
            assertThat(response.isModified()).isTrue();
            assertThat(written(response, MetadataResponseData.class).brokers()).extracting(b -> b.host() + ":" + b.port())
                    .as("v%d", v).containsExactly("127.0.0.1:9192", "127.0.0.2:9192");
        }
    }

    @Test
    void findCoordinatorIsRewrittenInEveryVersionWhenACoordinatorWasFound() {
        for (short v = ApiKeys.FIND_COORDINATOR.oldestVersion(); v <= ApiKeys.FIND_COORDINATOR.latestVersion(); v++) {
            FindCoordinatorResponseData data = new FindCoordinatorResponseData();
            if (v < 4) {
                data.setNodeId(1).setHost("127.0.0.1").setPort(9092);
            } else {
                data.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey("group")
                        .setNodeId(1).setHost("127.0.0.1").setPort(9092));
                data.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey("missing")
                        .setNodeId(-1).setHost("").setPort(-1).setErrorCode((short) 15));
            }
            Message response = fromBroker(data, v);
            BrokerPortRewriter.rewrite(response, ApiKeys.FIND_COORDINATOR.id, v, PROXY_PORT);
            FindCoordinatorResponseData out = written(response, FindCoordinatorResponseData.class);
            if (v < 4) {
                assertThat(out.port()).as("v%d", v).isEqualTo(PROXY_PORT);
            } else {
                assertThat(out.coordinators()).extracting(c -> c.port()).as("v%d", v).containsExactly(PROXY_PORT, -1);
            }
        }
    }

    @Test
    void describeClusterBrokersGetTheProxyPort() {
        for (short v = ApiKeys.DESCRIBE_CLUSTER.oldestVersion(); v <= ApiKeys.DESCRIBE_CLUSTER.latestVersion(); v++) {
            DescribeClusterResponseData data = new DescribeClusterResponseData();
            data.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(1).setHost("h").setPort(9092));
            Message response = fromBroker(data, v);
            BrokerPortRewriter.rewrite(response, ApiKeys.DESCRIBE_CLUSTER.id, v, PROXY_PORT);
            assertThat(written(response, DescribeClusterResponseData.class).brokers().iterator().next().port())
                    .isEqualTo(PROXY_PORT);
        }
    }

    @Test
    void dataResponsesKeepTheirBytesUnlessTheyNameNewLeaders() {
        Message plainFetch = fromBroker(new FetchResponseData(), (short) 17);
        BrokerPortRewriter.rewrite(plainFetch, ApiKeys.FETCH.id, (short) 17, PROXY_PORT);
        assertThat(plainFetch.isModified()).isFalse();
        assertThat(plainFetch.isParsed()).as("only looked at, not decoded").isFalse();

        FetchResponseData moved = new FetchResponseData();
        moved.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(2).setHost("127.0.0.2").setPort(9092));
        Message movedFetch = fromBroker(moved, (short) 17);
        BrokerPortRewriter.rewrite(movedFetch, ApiKeys.FETCH.id, (short) 17, PROXY_PORT);
        assertThat(written(movedFetch, FetchResponseData.class).nodeEndpoints().iterator().next().port())
                .isEqualTo(PROXY_PORT);

        ProduceResponseData produce = new ProduceResponseData();
        produce.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(2).setHost("127.0.0.2").setPort(9092));
        Message movedProduce = fromBroker(produce, (short) 12);
        BrokerPortRewriter.rewrite(movedProduce, ApiKeys.PRODUCE.id, (short) 12, PROXY_PORT);
        assertThat(written(movedProduce, ProduceResponseData.class).nodeEndpoints().iterator().next().port())
                .isEqualTo(PROXY_PORT);

        // a large response arrives as a composite of reads: skimmed in place too, not copied into one buffer
        ByteBuf whole = KafkaFrameCodec.encode(new KafkaFrame.Response(ApiKeys.FETCH, (short) 17,
                new RequestHeader(ApiKeys.FETCH, (short) 17, "c", 1).toResponseHeader(), moved),
                UnpooledByteBufAllocator.DEFAULT);
        int half = whole.readableBytes() / 2;
        Message gathered = Message.fromRaw(Protocol.KAFKA, Unpooled.wrappedBuffer(whole.retainedSlice(0, half),
                whole.retainedSlice(half, whole.readableBytes() - half)), KafkaFrameParsers.response(ApiKeys.FETCH.id,
                (short) 17), 0);
        whole.release();
        messages.add(gathered);
        BrokerPortRewriter.rewrite(gathered, ApiKeys.FETCH.id, (short) 17, PROXY_PORT);
        assertThat(written(gathered, FetchResponseData.class).nodeEndpoints().iterator().next().port())
                .isEqualTo(PROXY_PORT);

        Message oldProduce = fromBroker(new ProduceResponseData(), (short) 9);
        BrokerPortRewriter.rewrite(oldProduce, ApiKeys.PRODUCE.id, (short) 9, PROXY_PORT);
        assertThat(oldProduce.isParsed()).isFalse();
    }
}
