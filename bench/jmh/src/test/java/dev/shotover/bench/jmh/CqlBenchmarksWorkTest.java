package dev.shotover.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.response.result.Rows;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CQL benchmark methods called outside JMH: each must handle whole messages of its variant, so that a codec
 * change that breaks one fails the build instead of a later benchmark run.
 */
class CqlBenchmarksWorkTest {

    @ParameterizedTest
    @EnumSource(CqlCodecBenchmark.Variant.class)
    void everyBenchmarkHandlesTheWholeBatchOfItsVariant(CqlCodecBenchmark.Variant variant) {
        int envelopeBytes = envelopeBytes(variant);
        CqlCodecBenchmark benchmark = new CqlCodecBenchmark();
        benchmark.wire = variant.name();
        benchmark.setUp();
        try {
            // twice: the channels must be left ready for the next invocation
            assertThat(benchmark.frame()).isEqualTo(CqlCodecBenchmark.BATCH * envelopeBytes);
            assertThat(benchmark.frame()).isEqualTo(CqlCodecBenchmark.BATCH * envelopeBytes);

            int written = benchmark.write();
            switch (variant) {
                case LZ4_V4 -> assertThat(written).as("compressed").isLessThan(CqlCodecBenchmark.BATCH * envelopeBytes)
                        .isGreaterThan(CqlCodecBenchmark.BATCH * 9);
                // one segment: a 6-byte header and a 4-byte CRC around the envelopes
                case SEGMENT_V5 -> assertThat(written).isEqualTo(CqlCodecBenchmark.BATCH * envelopeBytes + 10);
                default -> assertThat(written).isEqualTo(CqlCodecBenchmark.BATCH * envelopeBytes);
            }
            assertThat(benchmark.write()).isEqualTo(written);
            // the same bytes with other stream ids, however they are gathered
            assertThat(benchmark.writeNewStreamIds()).isEqualTo(written);
            assertThat(benchmark.writeNewStreamIds()).isEqualTo(written);

            CassandraFrame frame = benchmark.parse();
            assertThat(frame.version()).isEqualTo(variant.version);
            if (variant.request()) {
                assertThat(((Query) frame.message()).options.positionalValues).hasSize(1);
            } else {
                assertThat(((Rows) frame.message()).getData()).hasSize(CqlCodecBenchmark.ROWS);
            }
            assertThat(benchmark.encode()).isEqualTo(envelopeBytes);
            assertThat(benchmark.parseAndEncode()).isEqualTo(envelopeBytes);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void rowValuesAreDecodedToJavaValues() {
        CqlRowValuesBenchmark benchmark = new CqlRowValuesBenchmark();
        benchmark.setUp();
        List<List<Object>> rows = benchmark.decodeRowValues();
        assertThat(rows).hasSize(CqlCodecBenchmark.ROWS);
        assertThat(rows.get(3).get(0)).isEqualTo(3);
        assertThat(rows.get(3).get(1)).isEqualTo("row-3");
        assertThat(rows.get(3).get(2)).isInstanceOf(java.nio.ByteBuffer.class);
    }

    private static int envelopeBytes(CqlCodecBenchmark.Variant variant) {
        ByteBuf envelope = CqlCodecBenchmark.encode(variant.frame(7));
        try {
            return envelope.readableBytes();
        } finally {
            envelope.release();
        }
    }
}
