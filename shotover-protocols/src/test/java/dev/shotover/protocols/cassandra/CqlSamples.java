package dev.shotover.protocols.cassandra;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.ProtocolConstants.ConsistencyLevel;
import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.Register;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.AuthChallenge;
import com.datastax.oss.protocol.internal.response.AuthSuccess;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.Supported;
import com.datastax.oss.protocol.internal.response.error.AlreadyExists;
import com.datastax.oss.protocol.internal.response.error.CASWriteUnknown;
import com.datastax.oss.protocol.internal.response.error.FunctionFailure;
import com.datastax.oss.protocol.internal.response.error.ReadFailure;
import com.datastax.oss.protocol.internal.response.error.ReadTimeout;
import com.datastax.oss.protocol.internal.response.error.Unavailable;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import com.datastax.oss.protocol.internal.response.error.WriteFailure;
import com.datastax.oss.protocol.internal.response.error.WriteTimeout;
import com.datastax.oss.protocol.internal.response.event.SchemaChangeEvent;
import com.datastax.oss.protocol.internal.response.event.StatusChangeEvent;
import com.datastax.oss.protocol.internal.response.event.TopologyChangeEvent;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.RawType;
import com.datastax.oss.protocol.internal.response.result.RowsMetadata;
import com.datastax.oss.protocol.internal.response.result.SchemaChange;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import com.datastax.oss.protocol.internal.response.result.Void;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;

/** Sample CQL bodies of every opcode, and envelope bytes built from them. */
final class CqlSamples {
    private static final UnpooledByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private CqlSamples() {
    }

    /** A named body, so that parameterised test output says which one failed. */
    record Sample(String name, Message body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** {@return the uncompressed envelope of a frame} */
    static byte[] envelope(Frame frame) {
        ByteBuf buf = CqlFrameParser.encode(CassandraFrame.of(frame), HEAP);
        try {
            return bytes(buf);
        } finally {
            buf.release();
        }
    }

    /** {@return the uncompressed envelope of a body: requests and responses with no extras, events on stream -1} */
    static byte[] envelope(int version, int streamId, Message body) {
        return envelope(frame(version, streamId, body));
    }

    static Frame frame(int version, int streamId, Message body) {
        if (body.opcode == ProtocolConstants.Opcode.EVENT) {
            streamId = -1;
        }
        return body.isResponse
                ? Frame.forResponse(version, streamId, null, Frame.NO_PAYLOAD, List.of(), body)
                : Frame.forRequest(version, streamId, false, Frame.NO_PAYLOAD, body);
    }

    static Startup startup(CqlCompression compression) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("CQL_VERSION", "3.0.0");
        options.put("DRIVER_NAME", "test");
        if (compression != CqlCompression.NONE) {
            options.put("COMPRESSION", compression.name().toLowerCase());
        }
        return new Startup(options);
    }

    static Query query(String cql) {
        return new Query(cql);
    }

    /** Every request opcode, with options that exercise the version's optional fields. */
    static List<Sample> requests(int version) {
        boolean v5 = version >= 5;
        List<ByteBuffer> values = Arrays.asList(ByteBuffer.wrap(new byte[] {0, 0, 0, 7}), null,
                ProtocolConstants.UNSET_VALUE, ByteBuffer.wrap("text".getBytes(StandardCharsets.UTF_8)));
        QueryOptions queryOptions = new QueryOptions(ConsistencyLevel.LOCAL_QUORUM, values, Map.of(), true, 5000,
                ByteBuffer.wrap(new byte[] {1, 2, 3}), ConsistencyLevel.LOCAL_SERIAL, 1_700_000_000_000_000L,
                v5 ? "ks" : null, v5 ? 1_700_000_000 : QueryOptions.NO_NOW_IN_SECONDS);
        Map<String, ByteBuffer> named = new LinkedHashMap<>();
        named.put("id", ByteBuffer.wrap(new byte[] {0, 0, 0, 1}));
        QueryOptions namedOptions = new QueryOptions(ConsistencyLevel.ONE, List.of(), named, false, -1, null,
                ConsistencyLevel.SERIAL, QueryOptions.NO_DEFAULT_TIMESTAMP, null, QueryOptions.NO_NOW_IN_SECONDS);
        byte[] preparedId = {9, 8, 7, 6, 5, 4, 3, 2};
        byte[] resultMetadataId = {1, 1, 2, 3, 5, 8};
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample("STARTUP", startup(CqlCompression.NONE)));
        samples.add(new Sample("OPTIONS", Options.INSTANCE));
        samples.add(new Sample("QUERY select", new Query("SELECT * FROM ks.t WHERE id = ?", queryOptions)));
        samples.add(new Sample("QUERY named values", new Query("UPDATE ks.t SET v = 1 WHERE id = :id", namedOptions)));
        samples.add(new Sample("QUERY default options", query("INSERT INTO ks.t (id) VALUES (1)")));
        samples.add(new Sample("PREPARE", v5 ? new Prepare("SELECT v FROM t WHERE id = ?", "ks")
                : new Prepare("SELECT v FROM ks.t WHERE id = ?")));
        samples.add(new Sample("EXECUTE", new Execute(preparedId, v5 ? resultMetadataId : null, queryOptions)));
        samples.add(new Sample("BATCH", new Batch(ProtocolConstants.BatchType.LOGGED,
                List.of("INSERT INTO ks.t (id, v) VALUES (?, ?)", preparedId),
                List.of(List.of(ByteBuffer.wrap(new byte[] {0, 0, 0, 1}), ByteBuffer.wrap(new byte[] {2})),
                        Arrays.asList(ByteBuffer.wrap(new byte[] {0, 0, 0, 2}), null)),
                ConsistencyLevel.QUORUM, ConsistencyLevel.SERIAL, 1_700_000_000_000_001L, v5 ? "ks" : null,
                v5 ? 1_700_000_001 : QueryOptions.NO_NOW_IN_SECONDS)));
        samples.add(new Sample("REGISTER", new Register(List.of("TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"))));
        samples.add(new Sample("AUTH_RESPONSE", new AuthResponse(ByteBuffer.wrap("\0cassandra\0cassandra"
                .getBytes(StandardCharsets.UTF_8)))));
        return samples;
    }

    /** Every response opcode, every error body and every result kind. */
    static List<Sample> responses(int version) {
        InetSocketAddress node = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9042);
        InetAddress replica = InetAddress.getLoopbackAddress();
        RawType intType = RawType.PRIMITIVES.get(DataType.INT);
        RawType textType = RawType.PRIMITIVES.get(DataType.VARCHAR);
        List<ColumnSpec> columns = List.of(new ColumnSpec("ks", "t", "id", 0, intType),
                new ColumnSpec("ks", "t", "v", 1, textType),
                new ColumnSpec("ks", "t", "tags", 2, new RawType.RawList(textType)));
        Queue<List<ByteBuffer>> rows = new ArrayDeque<>();
        rows.add(Arrays.asList(ByteBuffer.wrap(new byte[] {0, 0, 0, 1}), ByteBuffer.wrap(new byte[] {'a'}),
                ByteBuffer.wrap(new byte[] {0, 0, 0, 0})));
        rows.add(Arrays.asList(ByteBuffer.wrap(new byte[] {0, 0, 0, 2}), null, null));
        byte[] resultMetadataId = {4, 4, 4};
        RowsMetadata rowsMetadata = new RowsMetadata(columns, ByteBuffer.wrap(new byte[] {7, 7}), null,
                version >= 5 ? resultMetadataId : null);
        RowsMetadata variables = new RowsMetadata(columns.subList(0, 1), null, new int[] {0}, null);
        Map<String, List<String>> supported = new LinkedHashMap<>();
        supported.put("CQL_VERSION", List.of("3.4.7"));
        supported.put("COMPRESSION", List.of("snappy", "lz4"));
        supported.put("PROTOCOL_VERSIONS", List.of("3/v3", "4/v4", "5/v5"));

        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample("READY", new Ready()));
        samples.add(new Sample("AUTHENTICATE", new Authenticate("org.apache.cassandra.auth.PasswordAuthenticator")));
        samples.add(new Sample("SUPPORTED", new Supported(supported)));
        samples.add(new Sample("AUTH_CHALLENGE", new AuthChallenge(ByteBuffer.wrap(new byte[] {1, 2}))));
        samples.add(new Sample("AUTH_SUCCESS", new AuthSuccess(null)));
        samples.add(new Sample("ERROR syntax", new Error(ProtocolConstants.ErrorCode.SYNTAX_ERROR,
                "line 1:0 no viable alternative at input 'SELEC'")));
        samples.add(new Sample("ERROR unavailable", new Unavailable("Cannot achieve consistency level QUORUM",
                ConsistencyLevel.QUORUM, 2, 1)));
        samples.add(new Sample("ERROR read timeout", new ReadTimeout("Operation timed out", ConsistencyLevel.ONE, 0,
                1, false)));
        samples.add(new Sample("ERROR write timeout", new WriteTimeout("Operation timed out", ConsistencyLevel.ONE, 0,
                1, "SIMPLE")));
        samples.add(new Sample("ERROR read failure", new ReadFailure("Operation failed", ConsistencyLevel.ONE, 0, 1,
                1, Map.of(replica, 1), true)));
        samples.add(new Sample("ERROR write failure", new WriteFailure("Operation failed", ConsistencyLevel.ONE, 0, 1,
                1, Map.of(replica, 0), "BATCH")));
        samples.add(new Sample("ERROR function failure", new FunctionFailure("boom", "ks", "f", List.of("int"))));
        samples.add(new Sample("ERROR already exists", new AlreadyExists("Table ks.t already exists", "ks", "t")));
        samples.add(new Sample("ERROR unprepared", new Unprepared("Prepared query not found", new byte[] {1, 2, 3})));
        if (version >= 5) {
            samples.add(new Sample("ERROR CAS write unknown", new CASWriteUnknown("unknown", ConsistencyLevel.SERIAL,
                    1, 2)));
        }
        samples.add(new Sample("RESULT void", Void.INSTANCE));
        samples.add(new Sample("RESULT rows", new DefaultRows(rowsMetadata, rows)));
        samples.add(new Sample("RESULT set keyspace", new SetKeyspace("ks")));
        samples.add(new Sample("RESULT prepared", new Prepared(new byte[] {9, 9}, version >= 5 ? resultMetadataId
                : null, variables, rowsMetadata)));
        samples.add(new Sample("RESULT schema change", new SchemaChange("CREATED", "TABLE", "ks", "t", List.of())));
        samples.add(new Sample("EVENT topology", new TopologyChangeEvent("NEW_NODE", node)));
        samples.add(new Sample("EVENT status", new StatusChangeEvent("UP", node)));
        samples.add(new Sample("EVENT schema", new SchemaChangeEvent("UPDATED", "TABLE", "ks", "t", List.of())));
        return samples;
    }

    /** A response carrying a tracing id, warnings and a custom payload (v4 and later). */
    static Frame responseWithExtras(int version, int streamId) {
        return Frame.forResponse(version, streamId, UUID.fromString("5f1a2c3e-0000-1000-8000-00aabbccddee"),
                Map.of("k", ByteBuffer.wrap(new byte[] {1})), List.of("Aggregation query used without partition key"),
                Void.INSTANCE);
    }

    /** A request asking for tracing, with a custom payload (v4 and later). */
    static Frame requestWithExtras(int version, int streamId) {
        return Frame.forRequest(version, streamId, true, Map.of("proxy", ByteBuffer.wrap(new byte[] {4, 2})),
                query("SELECT * FROM system.local"));
    }
}
