package dev.shotover.transforms.filter;

import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.QueryType;
import dev.shotover.api.Transform;
import dev.shotover.transforms.support.AnsweredHere;
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
 * <p><b>Threading.</b> Stateless; one instance may serve every connection. <b>Buffers.</b> Drops no response, so it
 * releases nothing; the runtime releases the requests, including the filtered ones.
 */
public final class QueryTypeFilter implements Transform {

    /** The error text of a filtered request's response. */
    public static final String FILTERED_TEXT = "Message was filtered out by shotover";

    private final QueryTypeList list;

    public QueryTypeFilter(QueryTypeList list) {
        this.list = Objects.requireNonNull(list);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        AnsweredHere answered = new AnsweredHere(requests);
        try {
            for (int i = 0; i < requests.size(); i++) {
                Message request = requests.get(i);
                if (list.rejects(classify(request))) {
                    answered.answer(i, request.errorResponse(ErrorKind.REJECTED, FILTERED_TEXT));
                } else {
                    answered.pass(i);
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return answered.callNextTransform(state);
    }

    private QueryType classify(Message request) {
        try {
            return request.queryType();
        } catch (MessageParseException e) {
            return QueryType.READ_WRITE;
        }
    }
}
