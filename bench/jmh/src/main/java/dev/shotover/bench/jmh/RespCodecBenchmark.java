package dev.shotover.bench.jmh;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespEncoder;
import dev.shotover.protocols.valkey.RespFrameParser;
import dev.shotover.protocols.valkey.RespScanner;
import dev.shotover.protocols.valkey.ValkeyMessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The RESP codec, per message: framing (what the passthrough path pays for every request and reply), the
 * decoder as a whole (framing plus the lazy {@link Message} and its slice), and the full decode and encode a
 * transform pays when it looks at or changes a message.
 *
 * <p>Framing runs over {@value #BATCH} messages back to back in one buffer, like one socket read of a pipelined
 * client; scores are per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class RespCodecBenchmark {
    static final int BATCH = 16;

    /**
     * The message: commands as clients send them ({@code GET}, {@code SET} with a 3-byte or 1 KiB value) and replies
     * as redis sends them (a 1 KiB bulk string for a {@code GET}, a 10-element array of 3-byte bulk strings as for
     * {@code MGET} or {@code LRANGE}).
     */
    @Param({"GET", "SET_3B", "SET_1KB", "REPLY_BULK_1KB", "REPLY_ARRAY_10"})
    public String message;

    private ByteBuf one;
    private ByteBuf batch;
    private ValkeyFrame frame;
    private ByteBuf encodeTarget;
    private final RespScanner scanner = new RespScanner();
    private EmbeddedChannel decoderChannel;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = bytes(message);
        one = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        batch = Unpooled.directBuffer(bytes.length * BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.writeBytes(bytes);
        }
        frame = RespFrameParser.INSTANCE.parse(one);
        encodeTarget = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length * 2);
        decoderChannel = new EmbeddedChannel(new ValkeyMessageDecoder());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        one.release();
        batch.release();
        encodeTarget.release();
        decoderChannel.finishAndReleaseAll();
    }

    static byte[] bytes(String message) {
        byte[] kilobyte = new byte[1024];
        Arrays.fill(kilobyte, (byte) 'v');
        String kb = new String(kilobyte, StandardCharsets.US_ASCII);
        String text = switch (message) {
            case "GET" -> "*2\r\n$3\r\nGET\r\n$16\r\nbench:key:000123\r\n";
            case "SET_3B" -> "*3\r\n$3\r\nSET\r\n$16\r\nbench:key:000123\r\n$3\r\nabc\r\n";
            case "SET_1KB" -> "*3\r\n$3\r\nSET\r\n$16\r\nbench:key:000123\r\n$1024\r\n" + kb + "\r\n";
            case "REPLY_BULK_1KB" -> "$1024\r\n" + kb + "\r\n";
            case "REPLY_ARRAY_10" -> "*10\r\n" + "$3\r\nabc\r\n".repeat(10);
            default -> throw new IllegalArgumentException(message);
        };
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Finds message boundaries only: {@link RespScanner} over a read of {@value #BATCH} messages. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int frame() {
        int start = batch.readerIndex();
        int total = 0;
        for (int i = 0; i < BATCH; i++) {
            int length = scanner.scan(batch);
            batch.skipBytes(length);
            total += length;
        }
        batch.readerIndex(start);
        return total;
    }

    /**
     * The whole inbound codec: {@link ValkeyMessageDecoder} turning a read of {@value #BATCH} messages into lazy
     * {@link Message}s (each a retained slice), which are then released. Includes {@link EmbeddedChannel}'s own
     * pipeline overhead, which a real channel has too.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeToMessages(Blackhole blackhole) {
        decoderChannel.writeInbound(batch.retainedDuplicate());
        Message m;
        while ((m = decoderChannel.readInbound()) != null) {
            blackhole.consume(m.rawBytes());
            m.release();
        }
    }

    /** Full decode of one message into a {@link ValkeyFrame}: what the first {@code message.frame()} costs. */
    @Benchmark
    public ValkeyFrame parse() {
        return RespFrameParser.INSTANCE.parse(one);
    }

    /** Encodes one frame into a reused buffer: what a modified or generated message costs when written. */
    @Benchmark
    public int encode() {
        encodeTarget.clear();
        RespEncoder.encode(frame, encodeTarget);
        return encodeTarget.readableBytes();
    }

    /** Parse, then encode the result: a transform that rewrites every message it sees. */
    @Benchmark
    public int parseAndEncode() {
        encodeTarget.clear();
        RespEncoder.encode(RespFrameParser.INSTANCE.parse(one), encodeTarget);
        return encodeTarget.readableBytes();
    }
}
