package dev.shotover.transforms.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import dev.shotover.protocols.kafka.KafkaResponsePart;
import dev.shotover.runtime.ResponseStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FetchCutThroughTest {
    private static final short VERSION = 17;
    private static final int PROXY_PORT = 9192;
    private final List<ByteBuf> toRelease = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    /** What the client was sent, write by write. */
    private final List<ByteBuf> sent = new ArrayList<>();
    private final ResponseStream client = sent::add;

    @AfterEach
    void release() {
        toRelease.forEach(ByteBuf::release);
        messages.forEach(Message::release);
        sent.forEach(ByteBuf::release);
    }

    @Test
    void aResponseIsWrittenAsItArrivesExceptTheHeldBackTailThenCompletedByteForByte() throws IOException {
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> id.equals(request) ? client : null);
        ByteBuf wire = fetchResponse(false);
        int length = wire.readableBytes();

        cutThrough.onPart(part(wire, 200_000, true), request);
        assertThat(sentBytes()).isEqualTo(200_000 - FetchCutThrough.HELD_BACK);
        cutThrough.onPart(part(wire, 500_000, false), request);
        assertThat(sentBytes()).isEqualTo(500_000 - FetchCutThrough.HELD_BACK);
        assertThat(cutThrough.isStreaming(request)).isTrue();

        cutThrough.finish(message(wire), VERSION, PROXY_PORT);
        assertThat(cutThrough.isStreaming(request)).isFalse();
        assertThat(sentBytes()).isEqualTo(length);
        assertThat(concatenated()).isEqualTo(bytes(wire));
    }

    @Test
    void newLeadersInTheTailGetTheProxyPortWithoutChangingTheLength() throws IOException {
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> client);
        ByteBuf wire = fetchResponse(true);
        cutThrough.onPart(part(wire, 300_000, true), request);
        Message response = message(wire);
        cutThrough.finish(response, VERSION, PROXY_PORT);

        byte[] written = concatenated();
        assertThat(written).hasSize(wire.readableBytes());
        ByteBuf received = Unpooled.wrappedBuffer(written);
        FetchResponseData decoded = KafkaFrameCodec.decodeResponse(received, ApiKeys.FETCH, VERSION)
                .body(FetchResponseData.class);
        received.release();
        assertThat(decoded.nodeEndpoints()).extracting(FetchResponseData.NodeEndpoint::port)
                .containsExactly(PROXY_PORT, PROXY_PORT);
        assertThat(decoded.nodeEndpoints()).extracting(FetchResponseData.NodeEndpoint::host)
                .containsExactly("127.0.0.2", "127.0.0.3");
        FetchResponseData original = KafkaFrameCodec.decodeResponse(wire, ApiKeys.FETCH, VERSION)
                .body(FetchResponseData.class);
        assertThat(decoded.responses()).isEqualTo(original.responses());
        assertThat(response.isModified()).as("the message is left as it came; the client got the rewrite").isFalse();
    }

    @Test
    void whenTheRuntimeRefusesNothingIsWrittenAndTheResponseGoesTheUsualWay() {
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> null);
        ByteBuf wire = fetchResponse(false);
        cutThrough.onPart(part(wire, 300_000, true), request);
        cutThrough.onPart(part(wire, 600_000, false), request);
        assertThat(sent).isEmpty();
        assertThat(cutThrough.isStreaming(request)).isFalse();
    }

    @Test
    void partsOfAResponseToAnotherRequestAreNotWrittenAndAStopForgetsTheStream() {
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> client);
        ByteBuf wire = fetchResponse(false);
        cutThrough.onPart(part(wire, 300_000, true), request);
        int before = sentBytes();
        cutThrough.onPart(part(wire, 600_000, false), MessageId.random());
        assertThat(sentBytes()).isEqualTo(before);
        cutThrough.stop();
        assertThat(cutThrough.isStreaming(request)).isFalse();
    }

    @Test
    void newLeadersBeyondTheHeldBackTailFailTheResponse() {
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> client);
        // 2,000 endpoints of ~30 bytes: their tagged field is longer than the held-back tail
        ByteBuf wire = fetchResponse(2_000);
        cutThrough.onPart(part(wire, wire.readableBytes() - 1, true), request);
        assertThatThrownBy(() -> cutThrough.finish(message(wire), VERSION, PROXY_PORT))
                .isInstanceOf(IOException.class).hasMessageContaining("names new leaders");
    }

    @Test
    void splicedResponsesReachTheClientByteForByteAsTheHeldBackPathWritesThemPortsRewritten() throws IOException {
        for (boolean newLeaders : new boolean[] {false, true}) {
            ByteBuf wire = fetchResponse(newLeaders);
            // today's path (no splicing) for reference
            MessageId reference = MessageId.random();
            FetchCutThrough held = new FetchCutThrough(id -> client);
            held.onPart(part(wire, 300_000, true), reference);
            held.finish(message(wire), VERSION, PROXY_PORT);
            byte[] expected = concatenated();
            sent.forEach(ByteBuf::release);
            sent.clear();

            for (int chunk : new int[] {1_000, 65_536, 150_000}) {
                assertThat(splicedThrough(wire, chunk)).as("chunks of %d, new leaders %s", chunk, newLeaders)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void aFailedSpliceFailsTheSink() {
        ByteBuf wire = fetchResponse(false);
        List<Throwable> failures = new ArrayList<>();
        ResponseStream failing = new ResponseStream() {
            @Override
            public void write(ByteBuf part) {
                part.release();
            }

            @Override
            public Future<Void> spliceFrom(Channel backend, int length) {
                return ImmediateEventExecutor.INSTANCE.newFailedFuture(new IOException("client gone"));
            }
        };
        FetchCutThrough cutThrough = new FetchCutThrough(id -> failing, failures::add);
        int[] bypassed = new int[1];
        boolean[] decoderFailed = new boolean[1];
        KafkaResponsePart.Bypass bypass = (length, done) -> {
            bypassed[0] += length;
            done.addListener(f -> decoderFailed[0] = !f.isSuccess());
        };
        cutThrough.onPart(new KafkaResponsePart(11, wire.readableBytes(), true, wire.retainedSlice(0, 65_536),
                bypass), MessageId.random(), VERSION, new EmbeddedChannel());
        assertThat(bypassed[0]).isPositive();
        assertThat(decoderFailed[0]).isTrue();
        assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("client gone"));
    }

    /**
     * Feeds {@code wire} to a splicing FetchCutThrough in reads of {@code chunk} bytes as the decoder would (parts
     * of everything received in user space; the bytes it splices skipped) and returns what the client got.
     */
    private byte[] splicedThrough(ByteBuf wire, int chunk) throws IOException {
        byte[] all = bytes(wire);
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        int[] wirePosition = {0};
        int[] splices = {0};
        ResponseStream stream = new ResponseStream() {
            @Override
            public void write(ByteBuf part) {
                client.writeBytes(bytes(part));
                part.release();
            }

            @Override
            public Future<Void> spliceFrom(Channel backend, int length) {
                client.write(all, wirePosition[0], length);
                wirePosition[0] += length;
                splices[0]++;
                return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
            }
        };
        MessageId request = MessageId.random();
        FetchCutThrough cutThrough = new FetchCutThrough(id -> stream);
        ByteBuf user = Unpooled.buffer();
        int[] bypassed = {0};
        KafkaResponsePart.Bypass bypass = (length, done) -> bypassed[0] += length;
        boolean first = true;
        while (wirePosition[0] < all.length) {
            int n = Math.min(chunk, all.length - wirePosition[0]);
            user.writeBytes(all, wirePosition[0], n);
            wirePosition[0] += n;
            if (user.readableBytes() + bypassed[0] < all.length) {
                cutThrough.onPart(new KafkaResponsePart(11, all.length, first, user.retainedSlice(), bypass),
                        request, VERSION, new EmbeddedChannel());
                first = false;
            }
        }
        assertThat(splices[0]).isPositive();
        assertThat(user.readableBytes() + bypassed[0]).isEqualTo(all.length);
        cutThrough.finish(message(user), VERSION, PROXY_PORT);
        user.release();
        return client.toByteArray();
    }

    /** Three partitions of 40 records of 10 KB; with {@code newLeaders}, two node endpoints (KIP-951). */
    private ByteBuf fetchResponse(boolean newLeaders) {
        return fetchResponse(newLeaders ? 2 : 0);
    }

    private ByteBuf fetchResponse(int newLeaders) {
        FetchResponseData fetch = new FetchResponseData().setSessionId(3);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        for (int p = 0; p < 3; p++) {
            SimpleRecord[] records = new SimpleRecord[40];
            for (int i = 0; i < records.length; i++) {
                byte[] value = new byte[10_000];
                java.util.Arrays.fill(value, (byte) (p * 40 + i));
                records[i] = new SimpleRecord(1_700_000_000_000L + i, null, value);
            }
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(40)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, records)));
        }
        fetch.responses().add(topic);
        if (newLeaders == 2) {
            fetch.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(2).setHost("127.0.0.2")
                    .setPort(9092));
            fetch.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(3).setHost("127.0.0.3")
                    .setPort(9092).setRack("r3"));
        } else {
            for (int i = 0; i < newLeaders; i++) {
                fetch.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(100 + i)
                        .setHost("broker-" + i + ".example.com").setPort(9092));
            }
        }
        ByteBuf wire = KafkaFrameCodec.encode(new KafkaFrame.Response(ApiKeys.FETCH, VERSION,
                new RequestHeader(ApiKeys.FETCH, VERSION, "c", 11).toResponseHeader(), fetch),
                UnpooledByteBufAllocator.DEFAULT);
        toRelease.add(wire);
        return wire;
    }

    private static KafkaResponsePart part(ByteBuf wire, int received, boolean first) {
        return new KafkaResponsePart(11, wire.readableBytes(), first, wire.retainedSlice(0, received));
    }

    private Message message(ByteBuf wire) {
        Message message = Message.fromRaw(Protocol.KAFKA, wire.retainedDuplicate(),
                KafkaFrameParsers.response(ApiKeys.FETCH.id, VERSION), 0);
        messages.add(message);
        return message;
    }

    private int sentBytes() {
        return sent.stream().mapToInt(ByteBuf::readableBytes).sum();
    }

    private byte[] concatenated() {
        ByteBuf all = Unpooled.buffer();
        sent.forEach(b -> all.writeBytes(b, b.readerIndex(), b.readableBytes()));
        byte[] bytes = bytes(all);
        all.release();
        return bytes;
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
