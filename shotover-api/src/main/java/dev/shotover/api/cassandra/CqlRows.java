package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.Rows;
import com.datastax.oss.protocol.internal.response.result.RowsMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.function.UnaryOperator;

/**
 * Reads and rewrites the cells of a {@code ROWS} result ({@link Rows}: column specs in its metadata, each row a list
 * of raw cell buffers) with {@link CqlValues}.
 *
 * <p>Rewriting builds a new {@code Rows} with the same metadata; the given one is not modified (its row queue is
 * iterated, not drained). Cells a mapper leaves unchanged keep their original bytes, so a rewrite touches only what
 * it changes. Put the result into the frame with {@link CassandraFrame#withMessage}.
 *
 * <p>Results without column metadata (a prepared statement executed with {@code SKIP_METADATA}, which drivers do
 * whenever they know the statement's columns) cannot be decoded here: the methods that need types throw
 * {@link IllegalArgumentException} and {@link #columnIndex} finds nothing. A transform that reads rows asks for the
 * metadata on the way down with {@link #withResultMetadata}.
 *
 * <p>Stateless; safe from any thread, but a {@code Rows} must not be changed while it is read.
 */
public final class CqlRows {
    /** The query-options flag of an {@code EXECUTE} that tells the server to leave the column metadata out. */
    private static final int SKIP_METADATA = 0x02;

    private CqlRows() {
    }

    /**
     * {@return {@code request} itself, or, for an {@code EXECUTE} sent with {@code SKIP_METADATA}, the same envelope
     * asking the server for the result's column metadata} Put it into the request's message with
     * {@link dev.shotover.api.Message#setFrame} before calling the next transform.
     *
     * <p>Drivers execute a prepared statement with {@code SKIP_METADATA} when they know its result columns (the
     * Java driver does for every prepared {@code SELECT}), so its rows arrive without column specs and cannot be
     * decoded. With the flag cleared the server sends the specs again; drivers take a result's own metadata over
     * the one they cached (protocol v5's {@code result_metadata_id} is kept, so a changed schema is still
     * announced). The cost is the metadata's bytes in every such result.
     *
     * @param request a request frame; anything but an {@code EXECUTE} with the flag is returned as it is
     */
    public static CassandraFrame withResultMetadata(CassandraFrame request) {
        if (!(request.message() instanceof Execute execute) || !execute.options.skipMetadata) {
            return request;
        }
        QueryOptions o = execute.options;
        QueryOptions withMetadata = new QueryOptions(o.flags & ~SKIP_METADATA, o.consistency, o.positionalValues,
                o.namedValues, false, o.pageSize, o.pagingState, o.serialConsistency, o.defaultTimestamp, o.keyspace,
                o.nowInSeconds);
        return request.withMessage(new Execute(execute.queryId, execute.resultMetadataId, withMetadata));
    }

    /**
     * Maps one cell to its new value.
     */
    @FunctionalInterface
    public interface CellMapper {
        /**
         * {@return the new value of a cell; the very same {@code value} instance to keep the cell's bytes}
         *
         * @param row    the row index, from 0
         * @param column the cell's column
         * @param value  the decoded cell value (null for a null cell)
         */
        Object map(int row, ColumnSpec column, Object value);
    }

    /**
     * {@return every cell decoded, one list per row, cells in column order} The lists are unmodifiable and may
     * hold nulls.
     *
     * @param rows            a ROWS result with column metadata
     * @param protocolVersion the connection's protocol version
     * @throws IllegalArgumentException if the result has no column metadata or a cell is malformed
     */
    public static List<List<Object>> decode(Rows rows, int protocolVersion) {
        List<ColumnSpec> columns = columns(rows);
        List<List<Object>> decoded = new ArrayList<>(rows.getData().size());
        for (List<ByteBuffer> row : rows.getData()) {
            requireWidth(row, columns);
            List<Object> values = new ArrayList<>(row.size());
            for (int c = 0; c < row.size(); c++) {
                values.add(CqlValues.decode(columns.get(c).type, row.get(c), protocolVersion));
            }
            decoded.add(Collections.unmodifiableList(values));
        }
        return Collections.unmodifiableList(decoded);
    }

    /**
     * {@return the index of the first result column called {@code name} (its alias, if the query gave one), or -1
     * if there is none or the result has no column metadata}
     *
     * @param rows a ROWS result
     * @param name the column name as Cassandra reports it
     */
    public static int columnIndex(Rows rows, String name) {
        List<ColumnSpec> columns = rows.getMetadata().columnSpecs;
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).name.equals(name)) {
                return c;
            }
        }
        return -1;
    }

    /**
     * {@return a copy of {@code rows} with the cells of one column replaced by {@code mapper}'s values} Only that
     * column is decoded.
     *
     * @param rows            a ROWS result with column metadata
     * @param column          the column index
     * @param protocolVersion the connection's protocol version
     * @param mapper          gets each cell's decoded value (null for a null cell) and returns the new value;
     *                        returning the same instance keeps the cell's bytes
     * @throws IllegalArgumentException if the result has no metadata, the column does not exist, or a value does not
     *                                  fit the column type
     */
    public static Rows mapColumn(Rows rows, int column, int protocolVersion, UnaryOperator<Object> mapper) {
        List<ColumnSpec> columns = columns(rows);
        if (column < 0 || column >= columns.size()) {
            throw new IllegalArgumentException("no column " + column + " in a result of " + columns.size());
        }
        return mapCells(rows, protocolVersion, (row, spec, value) -> mapper.apply(value), column);
    }

    /**
     * {@return a copy of {@code rows} with every cell passed through {@code mapper}} Every cell is decoded.
     *
     * @param rows            a ROWS result with column metadata
     * @param protocolVersion the connection's protocol version
     * @param mapper          returns each cell's new value
     * @throws IllegalArgumentException if the result has no metadata or a value does not fit its column type
     */
    public static Rows mapCells(Rows rows, int protocolVersion, CellMapper mapper) {
        return mapCells(rows, protocolVersion, mapper, -1);
    }

    /** With {@code only} ≥ 0, the other columns are copied without decoding. */
    private static Rows mapCells(Rows rows, int protocolVersion, CellMapper mapper, int only) {
        List<ColumnSpec> columns = columns(rows);
        Queue<List<ByteBuffer>> data = new ArrayDeque<>(rows.getData().size());
        int r = 0;
        for (List<ByteBuffer> row : rows.getData()) {
            requireWidth(row, columns);
            List<ByteBuffer> cells = new ArrayList<>(row);
            for (int c = 0; c < cells.size(); c++) {
                if (only >= 0 && c != only) {
                    continue;
                }
                ColumnSpec spec = columns.get(c);
                Object value = CqlValues.decode(spec.type, cells.get(c), protocolVersion);
                Object mapped = mapper.map(r, spec, value);
                if (mapped != value) {
                    cells.set(c, CqlValues.encode(spec.type, mapped, protocolVersion));
                }
            }
            data.add(cells);
            r++;
        }
        return new DefaultRows(rows.getMetadata(), data);
    }

    /**
     * {@return a ROWS result of encoded values}
     *
     * @param metadata        the result metadata, with column specs
     * @param values          one list per row, one value per column, in the Java types of {@link CqlValues}
     * @param protocolVersion the connection's protocol version
     * @throws IllegalArgumentException if a row has the wrong number of values or a value does not fit its column
     */
    public static Rows of(RowsMetadata metadata, List<? extends List<?>> values, int protocolVersion) {
        List<ColumnSpec> columns = metadata.columnSpecs;
        Queue<List<ByteBuffer>> data = new ArrayDeque<>(values.size());
        for (List<?> row : values) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row of " + row.size() + " values for " + columns.size()
                        + " columns");
            }
            List<ByteBuffer> cells = new ArrayList<>(row.size());
            for (int c = 0; c < row.size(); c++) {
                cells.add(CqlValues.encode(columns.get(c).type, row.get(c), protocolVersion));
            }
            data.add(cells);
        }
        return new DefaultRows(metadata, data);
    }

    private static List<ColumnSpec> columns(Rows rows) {
        RowsMetadata metadata = rows.getMetadata();
        if (metadata.columnSpecs.isEmpty() && metadata.columnCount > 0) {
            throw new IllegalArgumentException("the result has no column metadata (SKIP_METADATA); its "
                    + metadata.columnCount + " columns cannot be decoded (CqlRows.withResultMetadata on the EXECUTE "
                    + "asks the server for them)");
        }
        return metadata.columnSpecs;
    }

    private static void requireWidth(List<ByteBuffer> row, List<ColumnSpec> columns) {
        if (row.size() != columns.size()) {
            throw new IllegalArgumentException("row of " + row.size() + " cells for " + columns.size() + " columns");
        }
    }
}
