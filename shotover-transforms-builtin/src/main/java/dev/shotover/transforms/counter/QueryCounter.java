package dev.shotover.transforms.counter;

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
 *       counts each of its statements, a prepared one as {@code EXECUTE}); other requests count under their opcode
 *       name ({@code EXECUTE}, {@code PREPARE}, {@code STARTUP}...); {@code type} is {@code cassandra}.</li>
 * </ul>
 * Counting parses Valkey requests (Shotover does the same); it does not modify them.
 *
 * <p><b>Threading.</b> Called on the connection's event loop; the shared counters are thread-safe.
 * <b>Buffers.</b> Releases nothing: responses are passed on unchanged.
 */
public final class QueryCounter implements Transform {
    static final String UNKNOWN = "unknown";

    private final QueryCounters counters;

    public QueryCounter(QueryCounters counters) {
        this.counters = Objects.requireNonNull(counters);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        for (Message request : state.requests()) {
            count(request);
        }
        return state.callNextTransform();
    }

    private void count(Message request) {
        switch (request.protocol()) {
            case VALKEY -> countValkey(request);
            case CASSANDRA -> countCassandra(request);
            case KAFKA -> countKafka(request);
            default -> counters.increment(UNKNOWN, "none");
        }
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

    private void countCassandra(Message request) {
        CassandraFrame frame;
        try {
            frame = request.frame(CassandraFrame.class);
        } catch (MessageParseException e) {
            counters.increment(UNKNOWN, "none");
            return;
        }
        if (frame.message() instanceof Batch batch) {
            for (Object child : batch.queriesOrIds) {
                if (!(child instanceof String)) {
                    counters.increment("EXECUTE", "cassandra");
                }
            }
        } else if (!(frame.message() instanceof Query)) {
            counters.increment(CqlOpcodes.name(frame.opcode()), "cassandra");
            return;
        }
        for (CqlStatement statement : frame.statements()) {
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
