package dev.shotover.api.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.RawType;
import com.datastax.oss.protocol.internal.response.result.Rows;
import com.datastax.oss.protocol.internal.response.result.RowsMetadata;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class CqlRowsTest {
    private static final int V4 = 4;
    private static final RawType INET = RawType.PRIMITIVES.get(DataType.INET);
    private static final RawType INT = RawType.PRIMITIVES.get(DataType.INT);
    private static final RawType TEXT = RawType.PRIMITIVES.get(DataType.VARCHAR);

    /** The result of {@code SELECT peer, native_port AS p, native_port, data_center FROM system.peers_v2}. */
    private static Rows peers() throws Exception {
        RowsMetadata metadata = new RowsMetadata(List.of(
                new ColumnSpec("system", "peers_v2", "peer", 0, INET),
                new ColumnSpec("system", "peers_v2", "p", 1, INT),
                new ColumnSpec("system", "peers_v2", "native_port", 2, INT),
                new ColumnSpec("system", "peers_v2", "data_center", 3, TEXT)), null, null, null);
        return CqlRows.of(metadata, List.of(
                Arrays.asList(InetAddress.getByName("10.0.0.2"), 9042, 9042, "dc1"),
                Arrays.asList(InetAddress.getByName("10.0.0.3"), 9042, null, "dc1")), V4);
    }

    @Test
    void decodesEveryCell() throws Exception {
        List<List<Object>> rows = CqlRows.decode(peers(), V4);

        assertThat(rows).containsExactly(
                Arrays.asList(InetAddress.getByName("10.0.0.2"), 9042, 9042, "dc1"),
                Arrays.asList(InetAddress.getByName("10.0.0.3"), 9042, null, "dc1"));
    }

    @Test
    void rewritingOneColumnLeavesTheOthersBytesUntouched() throws Exception {
        Rows original = peers();
        int nativePort = CqlRows.columnIndex(original, "native_port");

        Rows rewritten = CqlRows.mapColumn(original, nativePort, V4, v -> v == null ? null : 19042);

        assertThat(nativePort).isEqualTo(2);
        assertThat(CqlRows.decode(rewritten, V4)).extracting(row -> row.get(2)).containsExactly(19042, null);
        assertThat(CqlRows.decode(rewritten, V4)).extracting(row -> row.get(1)).containsExactly(9042, 9042);
        List<ByteBuffer> before = original.getData().peek();
        List<ByteBuffer> after = rewritten.getData().peek();
        assertThat(after.get(0)).isSameAs(before.get(0));
        assertThat(after.get(1)).isSameAs(before.get(1));
        assertThat(after.get(3)).isSameAs(before.get(3));
        assertThat(rewritten.getMetadata()).isSameAs(original.getMetadata());
        // the input is neither drained nor changed
        assertThat(original.getData()).hasSize(2);
        assertThat(CqlRows.decode(original, V4)).extracting(row -> row.get(2)).containsExactly(9042, null);
    }

    @Test
    void mapCellsSeesEveryColumnAndKeepsUnchangedInstances() throws Exception {
        Rows original = peers();
        List<String> seen = new ArrayList<>();

        Rows rewritten = CqlRows.mapCells(original, V4, (row, column, value) -> {
            seen.add(row + ":" + column.name);
            return column.type.equals(INT) && value != null ? (Integer) value + 1 : value;
        });

        assertThat(seen).containsExactly("0:peer", "0:p", "0:native_port", "0:data_center",
                "1:peer", "1:p", "1:native_port", "1:data_center");
        assertThat(CqlRows.decode(rewritten, V4)).extracting(row -> row.subList(1, 3))
                .containsExactly(List.of(9043, 9043), Arrays.asList(9043, null));
        assertThat(rewritten.getData().peek().get(3)).isSameAs(original.getData().peek().get(3));
    }

    @Test
    void valuesOfTheWrongTypeAreRejected() throws Exception {
        assertThatThrownBy(() -> CqlRows.mapColumn(peers(), 1, V4, v -> "not an int"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CqlRows.mapColumn(peers(), 9, V4, v -> v))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultsWithoutMetadataCannotBeDecoded() {
        Queue<List<ByteBuffer>> data = new ArrayDeque<>();
        data.add(List.of(ByteBuffer.wrap(new byte[] {0, 0, 0, 1})));
        Rows rows = new DefaultRows(new RowsMetadata(1, null, null, null), data);

        assertThat(CqlRows.columnIndex(rows, "native_port")).isEqualTo(-1);
        assertThatThrownBy(() -> CqlRows.decode(rows, V4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column metadata");
    }

    /** An EXECUTE as the Java driver sends a prepared SELECT: with SKIP_METADATA, paging and a v5 metadata id. */
    private static CassandraFrame execute(int version, boolean skipMetadata) {
        QueryOptions options = new QueryOptions(ProtocolConstants.ConsistencyLevel.LOCAL_QUORUM,
                List.of(ByteBuffer.wrap(new byte[] {1, 2})), Map.of(), skipMetadata, 5000,
                ByteBuffer.wrap(new byte[] {9}), ProtocolConstants.ConsistencyLevel.SERIAL, 1234L, null,
                QueryOptions.NO_NOW_IN_SECONDS);
        Execute execute = new Execute(new byte[] {7, 7}, version >= 5 ? new byte[] {3} : null, options);
        return CassandraFrame.of(Frame.forRequest(version, 12, true, Map.of(), execute));
    }

    @Test
    void anExecuteWithSkipMetadataAsksForTheMetadataAndKeepsEverythingElse() {
        for (int version : new int[] {4, 5}) {
            CassandraFrame original = execute(version, true);

            CassandraFrame asking = CqlRows.withResultMetadata(original);

            Execute before = (Execute) original.message();
            Execute after = (Execute) asking.message();
            assertThat(after.options.skipMetadata).isFalse();
            assertThat(after.options.flags).isEqualTo(before.options.flags & ~0x02);
            assertThat(before.options.flags & 0x02).isEqualTo(0x02);
            assertThat(after.queryId).isEqualTo(before.queryId);
            assertThat(after.resultMetadataId).isEqualTo(before.resultMetadataId);
            assertThat(after.options).usingRecursiveComparison().ignoringFields("flags", "skipMetadata")
                    .isEqualTo(before.options);
            assertThat(asking.streamId()).isEqualTo(12);
            assertThat(asking.version()).isEqualTo(version);
            assertThat(asking.envelope().tracing).isTrue();
        }
    }

    @Test
    void requestsThatAlreadyGetTheMetadataAreReturnedAsTheyAre() {
        CassandraFrame withoutSkip = execute(4, false);
        CassandraFrame query = CassandraFrame.of(Frame.forRequest(4, 1, false, Map.of(),
                new Query("SELECT * FROM t")));

        assertThat(CqlRows.withResultMetadata(withoutSkip)).isSameAs(withoutSkip);
        assertThat(CqlRows.withResultMetadata(query)).isSameAs(query);
    }
}
