package dev.shotover.bench.jmh;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants.ConsistencyLevel;
import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.RawType;
import com.datastax.oss.protocol.internal.response.result.Rows;
import com.datastax.oss.protocol.internal.response.result.RowsMetadata;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.protocols.cassandra.CassandraCodecs;
import dev.shotover.protocols.cassandra.CqlCodecOptions;
import dev.shotover.protocols.cassandra.CqlFrameParser;
import dev.shotover.protocols.cassandra.CqlStreamIdQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
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

/**
 * The CQL codec of {@code shotover-protocols} on the messages a Cassandra proxy carries most, per message.
 *
 * <p>{@link #wire} picks the connection and the message:
 * <ul>
 *   <li>{@code QUERY_V4}: a v4 QUERY request ({@code SELECT v FROM bench.kv WHERE k = ?}, one bound int), from a
 *       driver to the proxy and from the proxy to Cassandra;</li>
 *   <li>{@code ROWS_V4}: a v4 RESULT Rows response with {@value #ROWS} rows of (int, text, 100-byte blob), from
 *       Cassandra to the proxy and on to the driver;</li>
 *   <li>{@code SEGMENT_V5}: v5 QUERY requests after the handshake, where {@value #BATCH} envelopes travel in one
 *       self-contained segment (header CRC24, payload CRC32);</li>
 *   <li>{@code LZ4_V4}: the Rows response on a v4 connection that negotiated LZ4, each envelope's body compressed.</li>
 * </ul>
 *
 * <p>The benchmarks:
 * <ul>
 *   <li>{@code frame}: the receiving side's decoder cutting {@value #BATCH} messages out of one read into lazy
 *       {@link Message}s (what the proxy does with every message; decompression and segment CRCs included);</li>
 *   <li>{@code write}: the sending side's encoder writing {@value #BATCH} unmodified messages and one flush (the
 *       passthrough path: raw bytes, compressed or packed into a segment as the connection negotiated);</li>
 *   <li>{@code writeNewStreamIds}: the same through a backend-facing encoder that gives each message a new stream
 *       id, as the sink's does for every request it forwards;</li>
 *   <li>{@code parse}, {@code encode}, {@code parseAndEncode}: the full body decode into a {@link CassandraFrame}
 *       (native-protocol's message model) and back to envelope bytes: what a transform that reads or rewrites a
 *       message pays;</li>
 * </ul>
 * {@link CqlRowValuesBenchmark} adds the decode of every cell of the Rows result to Java values.
 *
 * <p>Every channel has done its STARTUP/READY handshake first, so the codec is in the state a live connection is in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class CqlCodecBenchmark {
    static final int BATCH = 16;
    static final int ROWS = 100;
    static final int BLOB_BYTES = 100;

    /** The connection and message; see the class comment. */
    @Param({"QUERY_V4", "ROWS_V4", "SEGMENT_V5", "LZ4_V4"})
    public String wire;

    /** One uncompressed envelope of the message. */
    private ByteBuf envelope;
    private CassandraFrame frame;
    /** {@value #BATCH} messages as the receiving side reads them (compressed or in a segment when negotiated). */
    private ByteBuf received;
    /** Decodes {@link #received}: a client-facing codec for requests, a backend-facing one for responses. */
    private EmbeddedChannel receiving;
    /** Writes the messages on: a backend-facing codec for requests, a client-facing one for responses. */
    private EmbeddedChannel sending;
    /** A backend-facing codec that writes each message with a new stream id, as {@code CassandraSinkSingle}'s. */
    private EmbeddedChannel rewriting;
    private final CqlStreamIdQueue streamIds = new CqlStreamIdQueue();
    /** {@value #BATCH} unmodified messages holding {@link #envelope}, written again in every invocation. */
    private final Message[] messages = new Message[BATCH];

    @Setup(Level.Trial)
    public void setUp() {
        Variant variant = Variant.valueOf(wire);
        envelope = encode(variant.frame(7));
        frame = CqlFrameParser.INSTANCE.parse(envelope);
        receiving = handshaken(variant.request() ? CassandraCodecs.source() : CassandraCodecs.sink(),
                !variant.request(), variant);
        sending = handshaken(variant.request() ? CassandraCodecs.sink() : CassandraCodecs.source(),
                variant.request(), variant);
        received = wireOf(variant);
        streamIds.add(0); // the handshake's STARTUP
        rewriting = handshaken(CassandraCodecs.sink(CqlCodecOptions.defaults(), streamIds), true, variant);
        for (int i = 0; i < BATCH; i++) {
            messages[i] = Message.fromRaw(Protocol.CASSANDRA, envelope.retainedDuplicate(), CqlFrameParser.INSTANCE,
                    0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        envelope.release();
        received.release();
        receiving.finishAndReleaseAll();
        sending.finishAndReleaseAll();
        rewriting.finishAndReleaseAll();
        for (Message message : messages) {
            message.release();
        }
    }

    /** What each {@link #wire} value stands for. */
    enum Variant {
        QUERY_V4(4, true, null),
        ROWS_V4(4, false, null),
        SEGMENT_V5(5, true, null),
        LZ4_V4(4, false, "lz4");

        final int version;
        final boolean request;
        final String compression;

        Variant(int version, boolean request, String compression) {
            this.version = version;
            this.request = request;
            this.compression = compression;
        }

        boolean request() {
            return request;
        }

        Frame frame(int streamId) {
            return request ? Frame.forRequest(version, streamId, false, Frame.NO_PAYLOAD, query())
                    : Frame.forResponse(version, streamId, null, Frame.NO_PAYLOAD, List.of(), rows());
        }
    }

    static Query query() {
        QueryOptions options = new QueryOptions(ConsistencyLevel.LOCAL_ONE,
                List.of(ByteBuffer.wrap(new byte[] {0, 0, 0x12, 0x34})), Map.of(), false, 5000, null,
                ConsistencyLevel.SERIAL, QueryOptions.NO_DEFAULT_TIMESTAMP, null, QueryOptions.NO_NOW_IN_SECONDS);
        return new Query("SELECT v FROM bench.kv WHERE k = ?", options);
    }

    static Rows rows() {
        RawType intType = RawType.PRIMITIVES.get(DataType.INT);
        List<ColumnSpec> columns = List.of(
                new ColumnSpec("bench", "kv", "k", 0, intType),
                new ColumnSpec("bench", "kv", "name", 1, RawType.PRIMITIVES.get(DataType.VARCHAR)),
                new ColumnSpec("bench", "kv", "v", 2, RawType.PRIMITIVES.get(DataType.BLOB)));
        Queue<List<ByteBuffer>> data = new ArrayDeque<>();
        for (int i = 0; i < ROWS; i++) {
            byte[] blob = new byte[BLOB_BYTES];
            // half repetitive, half varied: compressible like real data, not trivially so
            for (int b = 0; b < BLOB_BYTES; b++) {
                blob[b] = (byte) (b < BLOB_BYTES / 2 ? 'v' : (i * 31 + b * 7));
            }
            data.add(Arrays.asList(ByteBuffer.allocate(4).putInt(0, i),
                    ByteBuffer.wrap(("row-" + i).getBytes(StandardCharsets.UTF_8)), ByteBuffer.wrap(blob)));
        }
        return new DefaultRows(new RowsMetadata(columns, null, null, null), data);
    }

    static ByteBuf encode(Frame frame) {
        return CqlFrameParser.encode(CassandraFrame.of(frame), UnpooledByteBufAllocator.DEFAULT);
    }

    /**
     * A codec channel after STARTUP (asking for the variant's compression) and READY.
     *
     * @param backendFacing true for a sink codec (it writes the STARTUP and reads the READY), false for a source
     */
    private static EmbeddedChannel handshaken(List<ChannelHandler> handlers, boolean backendFacing,
                                              Variant variant) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.toArray(new ChannelHandler[0]));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("CQL_VERSION", "3.0.0");
        if (variant.compression != null) {
            options.put("COMPRESSION", variant.compression);
        }
        Frame startup = Frame.forRequest(variant.version, 0, false, Frame.NO_PAYLOAD, new Startup(options));
        Frame ready = Frame.forResponse(variant.version, 0, null, Frame.NO_PAYLOAD, List.of(), new Ready());
        if (backendFacing) {
            writeAndDiscard(channel, startup);
            // a v4 server compresses its READY when the STARTUP asked for compression: let a source codec do that
            ByteBuf readyWire = variant.compression == null ? encode(ready) : serverWire(variant, ready);
            channel.writeInbound(readyWire);
        } else {
            channel.writeInbound(encode(startup));
            writeAndDiscard(channel, ready);
        }
        Message answer = channel.readInbound();
        answer.release();
        return channel;
    }

    private static void writeAndDiscard(EmbeddedChannel channel, Frame frame) {
        channel.writeOutbound(Message.fromFrame(CassandraFrame.of(frame)));
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            written.release();
        }
    }

    /** The bytes a server-side (source) codec of this variant writes for {@code frame} after the handshake. */
    private static ByteBuf serverWire(Variant variant, Frame frame) {
        EmbeddedChannel server = new EmbeddedChannel(CassandraCodecs.source().toArray(new ChannelHandler[0]));
        try {
            Map<String, String> options = Map.of("CQL_VERSION", "3.0.0", "COMPRESSION", variant.compression);
            server.writeInbound(encode(Frame.forRequest(variant.version, 0, false, Frame.NO_PAYLOAD,
                    new Startup(options))));
            Message startup = server.readInbound();
            startup.release();
            server.writeOutbound(Message.fromFrame(CassandraFrame.of(frame)));
            return server.readOutbound();
        } finally {
            server.finishAndReleaseAll();
        }
    }

    /**
     * {@value #BATCH} messages as the receiving side sees them on the wire: written by a codec of the other
     * direction (which compresses or packs into one segment as negotiated), captured as one buffer.
     */
    private ByteBuf wireOf(Variant variant) {
        EmbeddedChannel peer = handshaken(variant.request() ? CassandraCodecs.sink() : CassandraCodecs.source(),
                variant.request(), variant);
        try {
            for (int i = 0; i < BATCH; i++) {
                Message message = Message.fromRaw(Protocol.CASSANDRA, encode(variant.frame(i + 1)),
                        CqlFrameParser.INSTANCE, 0);
                peer.write(message);
                message.release();
            }
            peer.flush();
            ByteBuf out = Unpooled.directBuffer();
            ByteBuf part;
            while ((part = peer.readOutbound()) != null) {
                out.writeBytes(part);
                part.release();
            }
            return out;
        } finally {
            peer.finishAndReleaseAll();
        }
    }

    /**
     * The receiving side: {@value #BATCH} messages cut out of one read (per message).
     *
     * @return the bytes of the decoded (uncompressed) envelopes
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int frame() {
        receiving.writeInbound(received.retainedDuplicate());
        int bytes = 0;
        Message m;
        while ((m = receiving.readInbound()) != null) {
            bytes += m.rawBytes().readableBytes();
            m.release();
        }
        return bytes;
    }

    /**
     * The sending side: {@value #BATCH} unmodified messages written and flushed (per message). The messages exist
     * already and are written with void promises, as the proxy's runtime writes them, so what is allocated is the
     * encoder's (and the embedded channel's outbound queue).
     *
     * @return the bytes written to the socket's side of the pipeline
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int write() {
        for (Message message : messages) {
            sending.write(message, sending.voidPromise());
        }
        sending.flush();
        int bytes = 0;
        ByteBuf written;
        while ((written = sending.readOutbound()) != null) {
            bytes += written.readableBytes();
            written.release();
        }
        return bytes;
    }

    /**
     * The backend side of the passthrough: {@value #BATCH} unmodified messages written with new stream ids (as
     * {@code CassandraSinkSingle} sends requests: the ids go into the written bytes, not into the messages) and one
     * flush, per message. For the response variants this is simply the cost for an envelope of that size.
     *
     * @return the bytes written to the socket's side of the pipeline
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writeNewStreamIds() {
        for (int i = 0; i < BATCH; i++) {
            streamIds.add(100 + i);
            rewriting.write(messages[i], rewriting.voidPromise());
        }
        rewriting.flush();
        int bytes = 0;
        ByteBuf written;
        while ((written = rewriting.readOutbound()) != null) {
            bytes += written.readableBytes();
            written.release();
        }
        return bytes;
    }

    /** Full decode of one envelope's body into native-protocol's model. */
    @Benchmark
    public CassandraFrame parse() {
        return CqlFrameParser.INSTANCE.parse(envelope);
    }

    /** {@return the size of the envelope encoded from the decoded frame} */
    @Benchmark
    public int encode() {
        ByteBuf out = CqlFrameParser.encode(frame, PooledByteBufAllocator.DEFAULT);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** {@return the size of the envelope after a full decode and re-encode} */
    @Benchmark
    public int parseAndEncode() {
        ByteBuf out = CqlFrameParser.encode(CqlFrameParser.INSTANCE.parse(envelope), PooledByteBufAllocator.DEFAULT);
        int size = out.readableBytes();
        out.release();
        return size;
    }
}
