package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Query;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One CQL envelope (request or response): its header fields and its body as a message class of the DataStax
 * {@code native-protocol} library ({@code com.datastax.oss.protocol.internal.request.*} and {@code .response.*},
 * e.g. {@code Query}, {@code Execute}, {@code Rows}, {@code Error}).
 *
 * <p>Obtain one with {@code message.frame(CassandraFrame.class)}; the envelope is decoded (and decompressed) on that
 * first call only. To change a message build a new frame ({@link #withMessage}) and call
 * {@link dev.shotover.api.Message#setFrame}. Row values are raw bytes in {@code Rows}; {@link CqlValues} decodes
 * and encodes them with their column types.
 *
 * <p>Statements in {@code QUERY} and {@code BATCH} requests are parsed lazily into {@link CqlStatement}s.
 *
 * <p><b>Threading.</b> Immutable apart from the lazily parsed statements; safe to read from one thread at a time.
 *
 * <p><b>Dependency.</b> This package needs {@code com.datastax.oss:native-protocol} on the classpath, an optional
 * dependency of {@code shotover-api} (the Shotover runtime always has it).
 */
public final class CassandraFrame implements dev.shotover.api.Frame {
    private final Frame envelope;
    private final String connectionKeyspace;
    private List<CqlStatement> statements;

    private CassandraFrame(Frame envelope, String connectionKeyspace) {
        this.envelope = Objects.requireNonNull(envelope);
        this.connectionKeyspace = connectionKeyspace;
    }

    /**
     * {@return a frame over a decoded envelope}
     *
     * @param envelope the envelope, as the native-protocol library models it
     */
    public static CassandraFrame of(Frame envelope) {
        return new CassandraFrame(envelope, null);
    }

    /**
     * {@return a frame over a decoded request envelope that arrived while {@code connectionKeyspace} was its
     * connection's current keyspace (the last {@code USE} the server confirmed)}
     *
     * @param envelope           the envelope, as the native-protocol library models it
     * @param connectionKeyspace the connection's keyspace, or null for none
     */
    public static CassandraFrame of(Frame envelope, String connectionKeyspace) {
        return new CassandraFrame(envelope, connectionKeyspace);
    }

    /**
     * {@return the keyspace a {@code USE} had made current on the client's connection when this request arrived, or
     * null} The source's codec tracks it from the server's answers, so a failed {@code USE} changes nothing.
     */
    public String connectionKeyspace() {
        return connectionKeyspace;
    }

    /**
     * {@return a response to {@code request}: same protocol version and stream id}
     *
     * @param request the request it answers
     * @param body    the response body, e.g. {@code new Error(ErrorCode.INVALID, "...")}
     */
    public static CassandraFrame responseTo(CassandraFrame request, Message body) {
        return responseTo(request.version(), request.streamId(), body);
    }

    /**
     * {@return a response envelope with the given header fields}
     *
     * @param version  the protocol version of the connection
     * @param streamId the stream id of the request it answers
     * @param body     the response body
     */
    public static CassandraFrame responseTo(int version, int streamId, Message body) {
        return new CassandraFrame(Frame.forResponse(version, streamId, null, Frame.NO_PAYLOAD, List.of(), body), null);
    }

    /** {@return the envelope, header fields and body} */
    public Frame envelope() {
        return envelope;
    }

    /** {@return the protocol version of the envelope (3, 4 or 5)} */
    public int version() {
        return envelope.protocolVersion;
    }

    /** {@return the stream id: a response carries its request's; -1 for server events} */
    public int streamId() {
        return envelope.streamId;
    }

    /** {@return the opcode, see {@code ProtocolConstants.Opcode}} */
    public int opcode() {
        return envelope.message.opcode;
    }

    /** {@return the body} */
    public Message message() {
        return envelope.message;
    }

    /** {@return true for a response (or server event), false for a request} */
    public boolean isResponse() {
        return envelope.message.isResponse;
    }

    /**
     * {@return the same envelope with another body} Header fields (version, stream id, tracing, custom payload,
     * warnings) are kept.
     *
     * @param body the new body
     */
    public CassandraFrame withMessage(Message body) {
        return new CassandraFrame(new Frame(envelope.protocolVersion, envelope.beta, envelope.streamId, envelope.tracing,
                envelope.tracingId, -1, -1, envelope.customPayload, envelope.warnings, body), connectionKeyspace);
    }

    /**
     * {@return the same envelope with another stream id}
     *
     * @param streamId the new stream id
     */
    public CassandraFrame withStreamId(int streamId) {
        return new CassandraFrame(new Frame(envelope.protocolVersion, envelope.beta, streamId, envelope.tracing,
                envelope.tracingId, -1, -1, envelope.customPayload, envelope.warnings, envelope.message),
                connectionKeyspace);
    }

    /**
     * {@return the statements of a {@code QUERY} (one, or several for a {@code BEGIN BATCH} string) or of a
     * {@code BATCH} (one per child given as a query string; children that are prepared ids are left out), parsed on
     * first call; empty for other opcodes} Unqualified tables are resolved against the request's own keyspace
     * (protocol v5) or else the {@link #connectionKeyspace()}, so {@link CqlStatement#keyspace()} is set whenever
     * the server will know it.
     */
    public List<CqlStatement> statements() {
        if (statements == null) {
            statements = parseStatements();
        }
        return statements;
    }

    private List<CqlStatement> parseStatements() {
        Message body = envelope.message;
        List<CqlStatement> parsed = new ArrayList<>();
        String keyspace = connectionKeyspace;
        if (body instanceof Query query) {
            parsed.addAll(CqlStatement.parseAll(query.query));
            if (query.options != null && query.options.keyspace != null) {
                keyspace = query.options.keyspace;
            }
        } else if (body instanceof Batch batch) {
            for (Object child : batch.queriesOrIds) {
                if (child instanceof String cql) {
                    parsed.addAll(CqlStatement.parseAll(cql));
                }
            }
            if (batch.keyspace != null) {
                keyspace = batch.keyspace;
            }
        }
        if (keyspace != null) {
            for (int i = 0; i < parsed.size(); i++) {
                parsed.set(i, parsed.get(i).withKeyspace(keyspace));
            }
        }
        return List.copyOf(parsed);
    }

    /**
     * {@return how many statements the request carries: a BATCH counts its children, every other request 1} Used by
     * rate limits that charge per statement.
     */
    public int cellCount() {
        return envelope.message instanceof Batch batch ? Math.max(1, batch.queriesOrIds.size()) : 1;
    }

    /**
     * Shotover's classification: QUERY by its statement (a query string holding several statements is
     * {@code ReadWrite} unless all agree), BATCH is {@code Write}, every other opcode {@code Read}.
     */
    @Override
    public QueryType queryType() {
        int opcode = envelope.message.opcode;
        if (opcode == ProtocolConstants.Opcode.BATCH) {
            return QueryType.WRITE;
        }
        if (opcode != ProtocolConstants.Opcode.QUERY) {
            return QueryType.READ;
        }
        QueryType type = null;
        for (CqlStatement statement : statements()) {
            QueryType t = statement.queryType();
            type = type == null || type == t ? t : QueryType.READ_WRITE;
        }
        return type == null ? QueryType.READ : type;
    }

    @Override
    public Protocol protocol() {
        return Protocol.CASSANDRA;
    }

    @Override
    public String toString() {
        return "CassandraFrame{v" + envelope.protocolVersion + " stream=" + envelope.streamId + " " + envelope.message + "}";
    }
}
