package dev.shotover.bench.jmh;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaCodecs;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.protocols.kafka.KafkaFrameParsers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Kafka codec on the two messages that carry the data: a Produce request and a Fetch response, each with one
 * record batch of {@link #records} records of 100-byte values (uncompressed), at the newest version kafka-clients
 * speaks.
 *
 * <ul>
 *   <li>framing: the client-side decoder cutting {@value #BATCH} Produce requests out of one read; for Fetch, the
 *       backend side, which must also pair each response with its request (the encoder records each request
 *       written, the decoder takes it back), so a "message" there is one request written plus its response read;
 *   <li>decode and encode: the full {@code kafka-clients} message objects, what a transform that looks at or
 *       changes the message pays. Record batches stay undecoded bytes (see {@link KafkaFrame}).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class KafkaCodecBenchmark {
    static final int BATCH = 16;
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    /** Records per batch. */
    @Param({"10"})
    public int records;

    private final short produceVersion = ApiKeys.PRODUCE.latestVersion();
    private final short fetchVersion = ApiKeys.FETCH.latestVersion();

    private ByteBuf produce;
    private ByteBuf produceBatch;
    private KafkaFrame.Request produceFrame;
    private ByteBuf fetch;
    private ByteBuf fetchResponses;
    private ByteBuf[] fetchRequests;
    private KafkaFrame.Response fetchFrame;
    private EmbeddedChannel clientSide;
    private EmbeddedChannel backendSide;

    @Setup(Level.Trial)
    public void setUp() {
        produce = KafkaFrameCodec.encode(KafkaFrame.Request.of(produceRequest(records), produceVersion, "bench", 7),
                UnpooledByteBufAllocator.DEFAULT);
        produceBatch = Unpooled.directBuffer(produce.readableBytes() * BATCH);
        for (int i = 0; i < BATCH; i++) {
            produceBatch.writeBytes(produce, produce.readerIndex(), produce.readableBytes());
        }
        produceFrame = KafkaFrameCodec.decodeRequest(produce);

        fetch = response(fetchResponse(records), fetchVersion, 7);
        fetchFrame = KafkaFrameCodec.decodeResponse(fetch, ApiKeys.FETCH, fetchVersion);
        fetchRequests = new ByteBuf[BATCH];
        fetchResponses = Unpooled.directBuffer(fetch.readableBytes() * BATCH);
        for (int i = 0; i < BATCH; i++) {
            fetchRequests[i] = KafkaFrameCodec.encode(KafkaFrame.Request.of(fetchRequest(), fetchVersion, "bench", i),
                    UnpooledByteBufAllocator.DEFAULT);
            ByteBuf one = response(fetchResponse(records), fetchVersion, i);
            fetchResponses.writeBytes(one);
            one.release();
        }
        clientSide = new EmbeddedChannel(KafkaCodecs.source().toArray(new ChannelHandler[0]));
        backendSide = new EmbeddedChannel(KafkaCodecs.sink().toArray(new ChannelHandler[0]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        produce.release();
        produceBatch.release();
        fetch.release();
        fetchResponses.release();
        for (ByteBuf request : fetchRequests) {
            request.release();
        }
        clientSide.finishAndReleaseAll();
        backendSide.finishAndReleaseAll();
    }

    static ProduceRequestData produceRequest(int records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("events")
                .setTopicId(TOPIC_ID);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, records(records))));
        data.topicData().add(topic);
        return data;
    }

    static FetchRequestData fetchRequest() {
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(500).setMinBytes(1).setMaxBytes(50 << 20);
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic("events").setTopicId(TOPIC_ID);
        topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(1000)
                .setPartitionMaxBytes(1 << 20));
        data.topics().add(topic);
        return data;
    }

    static FetchResponseData fetchResponse(int records) {
        FetchResponseData data = new FetchResponseData().setSessionId(0);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic("events").setTopicId(TOPIC_ID);
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(2000)
                .setLastStableOffset(2000).setLogStartOffset(0)
                .setRecords(MemoryRecords.withRecords(1000L, Compression.NONE, records(records))));
        data.responses().add(topic);
        return data;
    }

    private static SimpleRecord[] records(int count) {
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 'v');
        SimpleRecord[] out = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            out[i] = new SimpleRecord(1_700_000_000_000L + i, ("key-" + i).getBytes(StandardCharsets.US_ASCII),
                    value);
        }
        return out;
    }

    private static ByteBuf response(ApiMessage body, short version, int correlationId) {
        ApiKeys key = ApiKeys.forId(body.apiKey());
        RequestHeader header = new RequestHeader(key, version, "bench", correlationId);
        return KafkaFrameCodec.encode(new KafkaFrame.Response(key, version, header.toResponseHeader(), body),
                UnpooledByteBufAllocator.DEFAULT);
    }

    /** Client side: {@value #BATCH} Produce requests cut out of one read into lazy messages (per request). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void frameProduceRequests(Blackhole blackhole) {
        clientSide.writeInbound(produceBatch.retainedDuplicate());
        Message m;
        while ((m = clientSide.readInbound()) != null) {
            blackhole.consume(m.rawBytes());
            m.release();
        }
    }

    /**
     * Backend side: {@value #BATCH} Fetch requests written (the encoder records each one) and their responses cut out
     * of one read and paired with them (per request and response).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void frameFetchResponses(Blackhole blackhole) {
        for (ByteBuf request : fetchRequests) {
            Message message = Message.fromRaw(Protocol.KAFKA, request.retainedDuplicate(), KafkaFrameParsers.REQUEST,
                    1);
            backendSide.writeOutbound(message);
            message.release();
        }
        ByteBuf written;
        while ((written = backendSide.readOutbound()) != null) {
            written.release();
        }
        backendSide.writeInbound(fetchResponses.retainedDuplicate());
        Message m;
        while ((m = backendSide.readInbound()) != null) {
            blackhole.consume(m.rawBytes());
            m.release();
        }
    }

    @Benchmark
    public KafkaFrame.Request decodeProduceRequest() {
        return KafkaFrameCodec.decodeRequest(produce);
    }

    @Benchmark
    public int encodeProduceRequest() {
        ByteBuf out = KafkaFrameCodec.encode(produceFrame, PooledByteBufAllocator.DEFAULT);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    @Benchmark
    public KafkaFrame.Response decodeFetchResponse() {
        return KafkaFrameCodec.decodeResponse(fetch, ApiKeys.FETCH, fetchVersion);
    }

    /** The copy-free decode, valid only while the network buffer is held: a quick look at a response. */
    @Benchmark
    public KafkaFrame.Response viewFetchResponse() {
        return KafkaFrameCodec.viewResponse(fetch, ApiKeys.FETCH, fetchVersion);
    }

    @Benchmark
    public int encodeFetchResponse() {
        ByteBuf out = KafkaFrameCodec.encode(fetchFrame, PooledByteBufAllocator.DEFAULT);
        int size = out.readableBytes();
        out.release();
        return size;
    }
}
