package dev.shotover.transforms.counter;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Query;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Transform;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlStatement;
import dev.shotover.api.kafka.KafkaMessages;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.support.CqlOpcodes;
import dev.shotover.transforms.support.PreparedStatements;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * A pass-through transform that counts requests in {@code shotover_query_count{name, query, type}}:
 * <ul>
 *   <li>Valkey: {@code query} is the upper-cased command name ({@code unknown} for a message that is not a
 *       command array), {@code type} is {@code valkey};</li>
 *   <li>a message that does not parse: {@code query="unknown", type="none"};</li>
 *   <li>Kafka: {@code query} is the API key name ({@code Produce}, {@code Fetch}, {@code Metadata}...), read from the
 *       request header without decoding the body, {@code type} is {@code kafka};</li>
 *   <li>Cassandra: one count per statement, {@code query} is its kind ({@code SELECT}, {@code INSERT}...; a BATCH
 *       counts each of its statements); an {@code EXECUTE}, and a prepared child of a BATCH, count the statement(s)
 *       prepared under its id when the chain's {@link PreparedStatements} registry knows it, else {@code EXECUTE};
 *       other requests count under their opcode name ({@code PREPARE}, {@code STARTUP}...); {@code type} is
 *       {@code cassandra}.</li>
 * </ul>
 * Counting parses Valkey requests (Shotover does the same); it does not modify them. CQL {@code EXECUTE} bodies are
 * not decoded (the id is read from the raw bytes); the responses of a run are looked at only when it carried a
 * {@code PREPARE}, to learn what the prepared id stands for.
 *
 * <p><b>Threading.</b> Called on the connection's event loop; the shared counters and registry are thread-safe.
 * <b>Buffers.</b> Releases nothing: responses are passed on unchanged.
 */
public final class QueryCounter implements Transform {
    static final String UNKNOWN = "unknown";

    private final QueryCounters counters;
    private final PreparedStatements prepared;

    /**
     * A counter with a registry of prepared statements of its own.
     *
     * @param counters the counters of the occurrence
     */
    public QueryCounter(QueryCounters counters) {
        this(counters, new PreparedStatements());
    }

    /**
     * A counter that counts CQL {@code EXECUTE}s by the statements {@code prepared} knows.
     *
     * @param counters the counters of the occurrence
     * @param prepared the occurrence's registry of prepared statements, shared by its connections; this counter fills
     *                 it too
     */
    public QueryCounter(QueryCounters counters, PreparedStatements prepared) {
        this.counters = Objects.requireNonNull(counters);
        this.prepared = Objects.requireNonNull(prepared);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        PreparedStatements.PendingPrepares prepares = null;
        for (Message request : state.requests()) {
            switch (request.protocol()) {
                case VALKEY -> countValkey(request);
                case KAFKA -> countKafka(request);
                case CASSANDRA -> {
                    if (countCassandra(request)) {
                        if (prepares == null) {
                            prepares = prepared.pendingPrepares();
                        }
                        prepares.add(request);
                    }
                }
                default -> counters.increment(UNKNOWN, "none");
            }
        }
        CompletionStage<List<Message>> responses = state.callNextTransform();
        return prepares == null ? responses : responses.thenApply(prepares::rememberPrepared);
    }

    /** The API key's name (e.g. {@code Produce}), read from the header without decoding the request. */
    private void countKafka(Message request) {
        short apiKey;
        try {
            apiKey = KafkaMessages.requestApiKey(request);
        } catch (RuntimeException e) {
            counters.increment(UNKNOWN, "none");
            return;
        }
        counters.increment(ApiKeys.hasId(apiKey) ? ApiKeys.forId(apiKey).name : UNKNOWN, "kafka");
    }

    /** Counts a CQL request; returns true for a PREPARE that parsed, whose answer is worth waiting for. */
    private boolean countCassandra(Message request) {
        int opcode;
        try {
            opcode = PreparedStatements.opcode(request);
        } catch (MessageParseException e) {
            counters.increment(UNKNOWN, "none");
            return false;
        }
        if (opcode == ProtocolConstants.Opcode.EXECUTE) {
            byte[] id;
            try {
                id = PreparedStatements.executedId(request);
            } catch (MessageParseException e) {
                counters.increment(UNKNOWN, "none");
                return false;
            }
            countPrepared(id);
            return false;
        }
        CassandraFrame frame;
        try {
            frame = request.frame(CassandraFrame.class);
        } catch (MessageParseException e) {
            counters.increment(UNKNOWN, "none");
            return false;
        }
        if (frame.message() instanceof Batch batch) {
            for (Object child : batch.queriesOrIds) {
                if (child instanceof byte[] id) {
                    countPrepared(id);
                }
            }
        } else if (!(frame.message() instanceof Query)) {
            counters.increment(CqlOpcodes.name(frame.opcode()), "cassandra");
            return opcode == ProtocolConstants.Opcode.PREPARE;
        }
        for (CqlStatement statement : frame.statements()) {
            counters.increment(statement.kind().name(), "cassandra");
        }
        return false;
    }

    /** Counts the statements prepared under {@code id}, or one {@code EXECUTE} when the id is unknown. */
    private void countPrepared(byte[] id) {
        List<CqlStatement> statements = prepared.lookup(id);
        if (statements == null) {
            counters.increment("EXECUTE", "cassandra");
            return;
        }
        for (CqlStatement statement : statements) {
            counters.increment(statement.kind().name(), "cassandra");
        }
    }

    private void countValkey(Message request) {
        ValkeyFrame frame;
        try {
            frame = request.frame(ValkeyFrame.class);
        } catch (MessageParseException e) {
            counters.increment(UNKNOWN, "none");
            return;
        }
        String command = frame.commandName();
        counters.increment(command != null ? command : UNKNOWN, "valkey");
    }
}
