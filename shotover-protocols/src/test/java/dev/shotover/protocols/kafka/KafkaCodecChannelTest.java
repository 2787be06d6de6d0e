package dev.shotover.protocols.kafka;

import static dev.shotover.protocols.kafka.KafkaSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Message;
import dev.shotover.api.QueryType;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaCodecChannelTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        for (Message message : messages) {
            message.release();
        }
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(List<ChannelHandler> handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.toArray(ChannelHandler[]::new));
        channels.add(channel);
        return channel;
    }

    private List<Message> read(EmbeddedChannel channel) {
        List<Message> read = new ArrayList<>();
        Message message;
        while ((message = channel.readInbound()) != null) {
            read.add(message);
            messages.add(message);
        }
        return read;
    }

    @Test
    void requestsArriveWholeWhateverTheReadBoundaries() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        ByteBuf first = KafkaSamples.request(new ApiVersionsRequestData().setClientSoftwareName("java"), (short) 4, 1);
        ByteBuf second = KafkaSamples.request(new MetadataRequestData(), (short) 12, 2);
        byte[] firstBytes = bytes(first);
        ByteBuf all = Unpooled.buffer().writeBytes(first).writeBytes(second);
        byte[] wire = bytes(all);
        all.release();
        // one byte at a time, then the rest in one go
        for (int i = 0; i < 6; i++) {
            source.writeInbound(Unpooled.wrappedBuffer(wire, i, 1));
        }
        assertThat(read(source)).isEmpty();
        source.writeInbound(Unpooled.wrappedBuffer(wire, 6, wire.length - 6));
        List<Message> requests = read(source);
        assertThat(requests).hasSize(2);
        assertThat(requests).allSatisfy(m -> assertThat(m.isParsed()).isFalse());
        assertThat(KafkaMessages.requestApiKey(requests.get(0))).isEqualTo(ApiKeys.API_VERSIONS.id);
        assertThat(KafkaMessages.requestCorrelationId(requests.get(1))).isEqualTo(2);
        assertThat(requests.get(1).queryType()).isEqualTo(QueryType.READ);
        assertThat(requests.get(0).frame(KafkaFrame.Request.class).body(ApiVersionsRequestData.class)
                .clientSoftwareName()).isEqualTo("java");
        assertThat(bytes(requests.get(0).rawBytes())).isEqualTo(firstBytes);
        first.release();
        second.release();
    }

    @Test
    void unmodifiedResponsesAreWrittenAsTheReceivedBytesAndModifiedOnesAreReencoded() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        ByteBuf wire = KafkaSamples.response(KafkaSamples.metadata(9092), (short) 12, 4);
        Message untouched = track(Message.fromRaw(dev.shotover.api.Protocol.KAFKA, wire.retainedDuplicate(),
                KafkaFrameParsers.response(ApiKeys.METADATA.id, (short) 12), 0));
        source.writeOutbound(untouched);
        ByteBuf out = source.readOutbound();
        assertThat(bytes(out)).isEqualTo(bytes(wire));
        // the very memory that was received: a change to it shows through, so nothing was copied or re-encoded
        byte last = wire.getByte(wire.readableBytes() - 1);
        wire.setByte(wire.readableBytes() - 1, 42);
        assertThat(out.getByte(out.readerIndex() + out.readableBytes() - 1)).isEqualTo((byte) 42);
        wire.setByte(wire.readableBytes() - 1, last);
        out.release();

        Message changed = track(Message.fromRaw(dev.shotover.api.Protocol.KAFKA, wire.retainedDuplicate(),
                KafkaFrameParsers.response(ApiKeys.METADATA.id, (short) 12), 0));
        changed.frame(KafkaFrame.Response.class).body(MetadataResponseData.class).brokers().iterator().next()
                .setPort(6000);
        changed.invalidateCache();
        source.writeOutbound(changed);
        ByteBuf reencoded = source.readOutbound();
        KafkaFrame.Response decoded = KafkaFrameCodec.decodeResponse(reencoded, ApiKeys.METADATA, (short) 12);
        assertThat(decoded.body(MetadataResponseData.class).brokers().iterator().next().port()).isEqualTo(6000);
        reencoded.release();
        wire.release();
    }

    @Test
    void theStandInResponseToAnAcksZeroProduceIsNotWritten() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        Message none = Message.fromFrame(new KafkaFrame.NoResponse(ApiKeys.PRODUCE, (short) 11, 9));
        source.writeOutbound(none);
        assertThat((Object) source.readOutbound()).isNull();
        assertThat(source.isOpen()).isTrue();
    }

    @Test
    void aFailedAcksZeroProduceClosesTheConnectionAfterWhatCameBefore() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        ByteBuf earlier = KafkaSamples.response(new ApiVersionsResponseData(), (short) 3, 8);
        Message answered = Message.fromRaw(dev.shotover.api.Protocol.KAFKA, earlier, raw -> {
            throw new AssertionError("not parsed");
        }, 0L);
        source.write(answered);
        source.writeOutbound(Message.fromFrame(new KafkaFrame.NoResponse(ApiKeys.PRODUCE, (short) 11, 9, true)));
        ByteBuf written = source.readOutbound();
        assertThat(written.readableBytes()).isEqualTo(earlier.readableBytes());
        written.release();
        answered.release();
        source.runPendingTasks();
        assertThat(source.isOpen()).as("a broker closes the connection when an acks=0 produce fails").isFalse();
    }

    @Test
    void theSinkDecodesResponsesWithTheirRequestsApiKeyAndVersionAndSkipsAcksZero() {
        EmbeddedChannel sink = channel(KafkaCodecs.sink());
        sink.writeOutbound(track(request(KafkaSamples.produce((short) 0, null), (short) 9, 1)));
        sink.writeOutbound(track(request(new MetadataRequestData(), (short) 12, 2)));
        sink.writeOutbound(track(request(new ApiVersionsRequestData(), (short) 3, 3)));
        for (int i = 0; i < 3; i++) {
            ByteBuf written = sink.readOutbound();
            written.release();
        }
        // the produce (acks=0) gets no response; the others come back in order
        ByteBuf metadata = KafkaSamples.response(KafkaSamples.metadata(9092), (short) 12, 2);
        ByteBuf versions = KafkaSamples.response(new ApiVersionsResponseData(), (short) 3, 3);
        sink.writeInbound(Unpooled.wrappedBuffer(metadata, versions));
        List<Message> responses = read(sink);
        assertThat(responses).hasSize(2);
        KafkaFrame.Response first = responses.get(0).frame(KafkaFrame.Response.class);
        assertThat(first.apiKey()).isEqualTo(ApiKeys.METADATA);
        assertThat(first.apiVersion()).isEqualTo((short) 12);
        assertThat(first.body(MetadataResponseData.class).brokers()).hasSize(1);
        assertThat(responses.get(1).frame(KafkaFrame.Response.class).apiKey()).isEqualTo(ApiKeys.API_VERSIONS);
    }

    @Test
    void aResponseThatAnswersNoWaitingRequestFailsTheConnection() {
        EmbeddedChannel sink = channel(KafkaCodecs.sink());
        sink.writeOutbound(track(request(new MetadataRequestData(), (short) 12, 2)));
        ByteBuf written = sink.readOutbound();
        written.release();
        assertThatThrownBy(() -> sink.writeInbound(KafkaSamples.response(new MetadataResponseData(), (short) 12, 3)))
                .isInstanceOf(DecoderException.class).hasMessageContaining(
                        "received a response with correlation id 3 but the oldest request waiting has correlation id 2");
        // afterwards everything is discarded
        sink.writeInbound(KafkaSamples.response(new MetadataResponseData(), (short) 12, 2));
        assertThat(read(sink)).isEmpty();
    }

    @Test
    void framesOutsideTheLimitsFailTheConnectionWithAClearError() {
        EmbeddedChannel source = channel(KafkaCodecs.source(1024));
        assertThatThrownBy(() -> source.writeInbound(Unpooled.buffer().writeInt(4096).writeShort(0)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("a Kafka request of 4096 bytes exceeds the maximum frame size of 1024 bytes");
        EmbeddedChannel other = channel(KafkaCodecs.source());
        assertThatThrownBy(() -> other.writeInbound(Unpooled.buffer().writeInt(-5)))
                .hasMessageContaining("invalid size prefix -5: a Kafka request is at least 8 bytes");
    }

    @Test
    void largeMessagesSpanningManyReadsAreGatheredWithoutCopying() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        ByteBuf large = KafkaSamples.request(KafkaSamples.largeProduce(40, 10_000), (short) 11, 1);
        ByteBuf small = KafkaSamples.request(new MetadataRequestData(), (short) 12, 2);
        ByteBuf larger = KafkaSamples.request(KafkaSamples.largeProduce(70, 10_000), (short) 11, 3);
        ByteBuf last = KafkaSamples.request(new ApiVersionsRequestData(), (short) 4, 4);
        List<byte[]> expected = List.of(bytes(large), bytes(small), bytes(larger), bytes(last));
        ByteBuf all = Unpooled.wrappedBuffer(large, small, larger, last);
        byte[] wire = bytes(all);
        all.release();
        assertThat(expected.get(0).length).isGreaterThan(LargeFrameCumulator.COMPOSITE_THRESHOLD * 10);

        // socket-sized reads whose boundaries fall anywhere, small messages included
        int readSize = 7_001;
        List<ByteBuf> reads = new ArrayList<>();
        for (int offset = 0; offset < wire.length; offset += readSize) {
            ByteBuf read = Unpooled.directBuffer(readSize).writeBytes(wire, offset,
                    Math.min(readSize, wire.length - offset));
            reads.add(read.retain());
            source.writeInbound(read);
        }
        List<Message> requests = read(source);
        assertThat(requests).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(bytes(requests.get(i).rawBytes())).as("message %d", i).isEqualTo(expected.get(i));
        }
        assertThat(KafkaMessages.requestCorrelationId(requests.get(2))).isEqualTo(3);

        // the messages are the received memory itself: a change to a read shows through in both large ones
        int inFirst = 10 * readSize + 5;
        int inThird = expected.get(0).length + expected.get(1).length + 20 * readSize;
        for (int at : new int[] {inFirst, inThird}) {
            ByteBuf read = reads.get(at / readSize);
            read.setByte(at % readSize, ~wire[at]);
        }
        assertThat(requests.get(0).rawBytes().getByte(inFirst)).isEqualTo((byte) ~wire[inFirst]);
        int startOfThird = expected.get(0).length + expected.get(1).length;
        assertThat(requests.get(2).rawBytes().getByte(inThird - startOfThird)).isEqualTo((byte) ~wire[inThird]);
        reads.forEach(ByteBuf::release);
    }

    @Test
    void aStreamingSinkReportsALargeFetchResponseInPartsWhileItArrivesThenWhole() {
        EmbeddedChannel sink = channel(KafkaCodecs.sink(true));
        sink.writeOutbound(track(request(new FetchRequestData(), (short) 17, 5)));
        sink.writeOutbound(track(request(new MetadataRequestData(), (short) 12, 6)));
        sink.writeOutbound(track(request(new FetchRequestData(), (short) 17, 7)));
        for (int i = 0; i < 3; i++) {
            ByteBuf written = sink.readOutbound();
            written.release();
        }
        byte[] fetch = bytes(largeFetchResponse(5));
        byte[] metadata = bytes(KafkaSamples.response(KafkaSamples.metadata(9092), (short) 12, 6));
        byte[] small = bytes(KafkaSamples.response(new FetchResponseData(), (short) 17, 7));
        assertThat(fetch.length).isGreaterThan(KafkaMessageDecoder.STREAMED_FETCH_MIN_LENGTH);

        // three read events, the last one completing the large response and carrying the two small ones
        int third = fetch.length / 3;
        sink.writeInbound(Unpooled.wrappedBuffer(fetch, 0, third));
        sink.writeInbound(Unpooled.wrappedBuffer(fetch, third, third));
        ByteBuf rest = Unpooled.buffer().writeBytes(fetch, 2 * third, fetch.length - 2 * third).writeBytes(metadata)
                .writeBytes(small);
        sink.writeInbound(rest);

        List<Object> inbound = new ArrayList<>();
        Object next;
        while ((next = sink.readInbound()) != null) {
            inbound.add(next);
        }
        assertThat(inbound).hasSize(5);
        for (int i = 0; i < 2; i++) {
            KafkaResponsePart part = (KafkaResponsePart) inbound.get(i);
            assertThat(part.first()).isEqualTo(i == 0);
            assertThat(part.correlationId()).isEqualTo(5);
            assertThat(part.length()).isEqualTo(fetch.length);
            assertThat(bytes(part.received())).as("everything received so far").isEqualTo(
                    java.util.Arrays.copyOf(fetch, (i + 1) * third));
            part.received().release();
        }
        List<Message> whole = inbound.subList(2, 5).stream().map(Message.class::cast).toList();
        messages.addAll(whole);
        assertThat(bytes(whole.get(0).rawBytes())).isEqualTo(fetch);
        assertThat(whole.get(0).frame(KafkaFrame.Response.class).apiKey()).isEqualTo(ApiKeys.FETCH);
        assertThat(bytes(whole.get(1).rawBytes())).isEqualTo(metadata);
        assertThat(bytes(whole.get(2).rawBytes())).as("a small Fetch response is not reported in parts")
                .isEqualTo(small);
    }

    @Test
    void withinOneReadEventAPartIsReportedEachTimeEnoughArrivedAndTheRestAtTheEnd() {
        EmbeddedChannel sink = channel(KafkaCodecs.sink(true));
        sink.writeOutbound(track(request(new FetchRequestData(), (short) 17, 5)));
        ByteBuf written = sink.readOutbound();
        written.release();
        byte[] fetch = bytes(largeFetchResponse(5));
        // one event of ten 64 KB reads: parts after 256 KB and 512 KB (mid-event), then 640 KB at its end
        int read = 64 * 1024;
        Object[] reads = new Object[10];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = Unpooled.wrappedBuffer(fetch, i * read, read);
        }
        sink.writeInbound(reads);
        List<Integer> reported = new ArrayList<>();
        Object next;
        while ((next = sink.readInbound()) != null) {
            KafkaResponsePart part = (KafkaResponsePart) next;
            reported.add(part.received().readableBytes());
            part.received().release();
        }
        assertThat(reported).containsExactly(4 * read, 8 * read, 10 * read);
        sink.writeInbound(Unpooled.wrappedBuffer(fetch, 10 * read, fetch.length - 10 * read));
        assertThat(bytes(read(sink).get(0).rawBytes())).isEqualTo(fetch);
    }

    @Test
    void withoutStreamingOrForOtherApisNoPartsAreReported() {
        EmbeddedChannel plain = channel(KafkaCodecs.sink());
        plain.writeOutbound(track(request(new FetchRequestData(), (short) 17, 5)));
        ByteBuf written = plain.readOutbound();
        written.release();
        byte[] fetch = bytes(largeFetchResponse(5));
        plain.writeInbound(Unpooled.wrappedBuffer(fetch, 0, fetch.length / 2));
        assertThat((Object) plain.readInbound()).isNull();
        plain.writeInbound(Unpooled.wrappedBuffer(fetch, fetch.length / 2, fetch.length - fetch.length / 2));
        assertThat(bytes(read(plain).get(0).rawBytes())).isEqualTo(fetch);

        // a large response to anything but Fetch waits to be whole (Metadata responses get their ports rewritten)
        EmbeddedChannel streaming = channel(KafkaCodecs.sink(true));
        streaming.writeOutbound(track(request(new MetadataRequestData(), (short) 12, 9)));
        written = streaming.readOutbound();
        written.release();
        int[] ports = new int[20_000];
        java.util.Arrays.fill(ports, 9092);
        byte[] metadata = bytes(KafkaSamples.response(KafkaSamples.metadata(ports), (short) 12, 9));
        assertThat(metadata.length).isGreaterThan(KafkaMessageDecoder.STREAMED_FETCH_MIN_LENGTH);
        streaming.writeInbound(Unpooled.wrappedBuffer(metadata, 0, metadata.length / 2));
        assertThat((Object) streaming.readInbound()).isNull();
        streaming.writeInbound(Unpooled.wrappedBuffer(metadata, metadata.length / 2,
                metadata.length - metadata.length / 2));
        assertThat(read(streaming)).hasSize(1);
    }

    /** A Fetch v17 response of three partitions of 60 records of 5,000 bytes (about 900 KB). */
    private static ByteBuf largeFetchResponse(int correlationId) {
        FetchResponseData fetch = new FetchResponseData();
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopicId(org.apache.kafka.common.Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        for (int p = 0; p < 3; p++) {
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(60)
                    .setRecords(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                            org.apache.kafka.common.compress.Compression.NONE, KafkaSamples.values(60, 5_000))));
        }
        fetch.responses().add(topic);
        return KafkaSamples.response(fetch, (short) 17, correlationId);
    }

    private Message request(org.apache.kafka.common.protocol.ApiMessage body, short version, int correlationId) {
        return Message.fromRaw(dev.shotover.api.Protocol.KAFKA, KafkaSamples.request(body, version, correlationId),
                KafkaFrameParsers.REQUEST, System.nanoTime());
    }

    private Message track(Message message) {
        messages.add(message);
        return message;
    }
}
