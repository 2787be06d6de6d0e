package dev.shotover.bench.jmh;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.Rows;
import dev.shotover.api.cassandra.CqlRows;
import dev.shotover.protocols.cassandra.CqlFrameParser;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every cell of {@link CqlCodecBenchmark}'s Rows result ({@value CqlCodecBenchmark#ROWS} rows of int, text and a
 * 100-byte blob) decoded to its Java value with {@link CqlRows#decode}: what a transform that reads row values pays
 * on top of {@code CqlCodecBenchmark.parse}. A benchmark class of its own so that it runs once, not once per
 * {@code CqlCodecBenchmark.wire}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class CqlRowValuesBenchmark {
    private Rows rows;

    @Setup(Level.Trial)
    public void setUp() {
        ByteBuf raw = CqlCodecBenchmark.encode(CqlCodecBenchmark.Variant.ROWS_V4.frame(7));
        try {
            rows = (Rows) CqlFrameParser.INSTANCE.parse(raw).message();
        } finally {
            raw.release();
        }
    }

    /** {@return the {@value CqlCodecBenchmark#ROWS} rows, each a list of decoded cells} */
    @Benchmark
    public List<List<Object>> decodeRowValues() {
        return CqlRows.decode(rows, ProtocolConstants.Version.V4);
    }
}
