package dev.shotover.transforms.filter;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.Transform;
import dev.shotover.api.cassandra.CqlStatement;
import dev.shotover.transforms.support.AnsweredHere;
import dev.shotover.transforms.support.PreparedStatements;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Filters requests by {@link QueryType}. A filtered request is taken out of the batch and answered with the
 * protocol-native rejection {@value #FILTERED_TEXT} (for Valkey {@code -ERR Message was filtered out by shotover});
 * the others go down-chain. The responses come back in the order of the original requests, paired by request id:
 * each rejection is placed just before the first down-chain response to a later request. Unsolicited responses
 * (no request id) keep their place among the down-chain responses. The down-chain is called once per run, also
 * when every request was filtered out or the batch is empty.
 *
 * <p>A request that cannot be parsed counts as {@link QueryType#READ_WRITE}, as in Shotover.
 *
 * <p><b>CQL prepared statements.</b> Unlike Shotover, which classifies every {@code EXECUTE} as {@code Read} (so
 * {@code DenyList: [Write]} let every prepared write through), an {@code EXECUTE} is classified by the statement it
 * runs. The filter remembers, in a {@link PreparedStatements} registry shared by every connection of the chain,
 * what each {@code PREPARE} it let through prepared (learned from the {@code RESULT Prepared} answering it). An
 * {@code EXECUTE} of an id the registry does not know (prepared through another proxy, before a restart, or evicted)
 * is answered with the CQL {@code Unprepared} error, as Cassandra answers an id it does not know: the driver prepares
 * the statement again, through this filter, and retries. {@code PREPARE} itself stays {@code Read}, so applications
 * that prepare all their statements at start-up still start against a read-only chain; only executing a write
 * fails. A {@code BATCH} stays {@code Write} without looking at its children (Cassandra accepts only INSERT, UPDATE
 * and DELETE in one). When the list decides every type an {@code EXECUTE} can have alike (e.g.
 * {@code DenyList: [PubSubMessage]}), no lookup is made and no {@code Unprepared} is sent.
 *
 * <p><b>Threading.</b> One instance serves every connection of the chain: per-run state stays on the run's event
 * loop, and the registry is thread-safe. <b>Buffers.</b> Drops no response, so it releases nothing; the runtime
 * releases the requests, including the filtered ones.
 */
public final class QueryTypeFilter implements Transform {

    /** The error text of a filtered request's response. */
    public static final String FILTERED_TEXT = "Message was filtered out by shotover";

    /** Every type a CQL statement (or several prepared together) can be classified as. */
    private static final List<QueryType> STATEMENT_TYPES = List.of(QueryType.READ, QueryType.WRITE,
            QueryType.READ_WRITE, QueryType.SCHEMA_CHANGE);

    private final QueryTypeList list;
    private final PreparedStatements prepared;
    /** The decision for every EXECUTE when the list does not depend on its statement, else null. */
    private final Boolean uniformExecuteRejection;

    /**
     * A filter with a registry of its own.
     *
     * @param list the list in effect
     */
    public QueryTypeFilter(QueryTypeList list) {
        this(list, new PreparedStatements());
    }

    /**
     * A filter that classifies {@code EXECUTE} with {@code prepared}.
     *
     * @param list     the list in effect
     * @param prepared the chain's registry of prepared statements, which this filter also fills
     */
    public QueryTypeFilter(QueryTypeList list, PreparedStatements prepared) {
        this.list = Objects.requireNonNull(list);
        this.prepared = Objects.requireNonNull(prepared);
        boolean first = list.rejects(STATEMENT_TYPES.get(0));
        boolean uniform = STATEMENT_TYPES.stream().allMatch(type -> list.rejects(type) == first);
        this.uniformExecuteRejection = uniform ? first : null;
    }

    /** {@return the registry of prepared statements this filter classifies {@code EXECUTE} with} */
    public PreparedStatements preparedStatements() {
        return prepared;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        AnsweredHere answered = new AnsweredHere(requests);
        PreparedStatements.PendingPrepares prepares = null;
        try {
            for (int i = 0; i < requests.size(); i++) {
                Message request = requests.get(i);
                int opcode = request.protocol() == Protocol.CASSANDRA ? opcode(request) : -1;
                Message answer = opcode == ProtocolConstants.Opcode.EXECUTE ? answerExecute(request) : answer(request);
                if (answer != null) {
                    answered.answer(i, answer);
                    continue;
                }
                answered.pass(i);
                if (opcode == ProtocolConstants.Opcode.PREPARE) {
                    if (prepares == null) {
                        prepares = prepared.pendingPrepares();
                    }
                    prepares.add(request);
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<List<Message>> responses = answered.callNextTransform(state);
        return prepares == null ? responses : responses.thenApply(prepares::rememberPrepared);
    }

    /** The rejection of a request whose type the list rejects, else null. */
    private Message answer(Message request) {
        return list.rejects(classify(request)) ? filtered(request) : null;
    }

    /** The rejection or {@code Unprepared} error of a CQL EXECUTE, else null. */
    private Message answerExecute(Message request) {
        if (uniformExecuteRejection != null) {
            return uniformExecuteRejection ? filtered(request) : null;
        }
        byte[] id;
        try {
            id = PreparedStatements.executedId(request);
        } catch (MessageParseException e) {
            return list.rejects(QueryType.READ_WRITE) ? filtered(request) : null;
        }
        List<CqlStatement> statements = prepared.lookup(id);
        if (statements == null) {
            return PreparedStatements.unpreparedResponse(request, id);
        }
        return list.rejects(PreparedStatements.queryType(statements)) ? filtered(request) : null;
    }

    private static Message filtered(Message request) {
        return request.errorResponse(ErrorKind.REJECTED, FILTERED_TEXT);
    }

    /** The opcode from the header; -1 for a message without a header whose frame does not parse. */
    private static int opcode(Message request) {
        try {
            return PreparedStatements.opcode(request);
        } catch (MessageParseException e) {
            return -1;
        }
    }

    private static QueryType classify(Message request) {
        try {
            return request.queryType();
        } catch (MessageParseException e) {
            return QueryType.READ_WRITE;
        }
    }
}
