package dev.shotover.transforms.support;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * For transforms that answer some requests of a batch themselves (filtered, throttled) and send the rest
 * down-chain: the answered requests leave the batch, and their answers are merged back among the down-chain
 * responses so that, for in-order protocols, every response sits at its request's position. Each answer is placed
 * just before the first down-chain response to a later request; responses whose request id is not in the batch
 * (pushes, events) keep their place.
 *
 * <p>Confined to the event loop of the run; one instance per run.
 */
public final class AnsweredHere {
    private final List<Message> requests;
    private Message[] answers;
    private List<Message> passed;

    /**
     * Starts with every request passing.
     *
     * @param requests the run's requests, in order
     */
    public AnsweredHere(List<Message> requests) {
        this.requests = requests;
    }

    /**
     * Answers the request at {@code index} here instead of down-chain. Call in increasing index order, and
     * {@link #pass} for the requests in between.
     *
     * @param index  the request's position in the batch
     * @param answer its response (its request id set)
     */
    public void answer(int index, Message answer) {
        if (answers == null) {
            answers = new Message[requests.size()];
            passed = new ArrayList<>(requests.subList(0, index));
        }
        answers[index] = answer;
    }

    /**
     * Lets the request at {@code index} go down-chain.
     *
     * @param index the request's position in the batch
     */
    public void pass(int index) {
        if (passed != null) {
            passed.add(requests.get(index));
        }
    }

    /**
     * Calls the rest of the chain with the passing requests and merges the answers in.
     *
     * @param state the run
     * @return every request's response
     */
    public CompletionStage<List<Message>> callNextTransform(ChainState state) {
        if (answers == null) {
            return state.callNextTransform();
        }
        Map<MessageId, Integer> positionById = new HashMap<>(requests.size() * 2);
        for (int i = 0; i < requests.size(); i++) {
            positionById.put(requests.get(i).id(), i);
        }
        state.setRequests(passed);
        Message[] mine = answers;
        return state.callNextTransform().thenApply(responses -> merge(responses, mine, positionById));
    }

    private static List<Message> merge(List<Message> responses, Message[] answers, Map<MessageId, Integer> positionById) {
        List<Message> merged = new ArrayList<>(responses.size() + answers.length);
        int next = 0;
        for (Message response : responses) {
            MessageId requestId = response.requestId();
            Integer position = requestId == null ? null : positionById.get(requestId);
            if (position != null) {
                for (; next < position; next++) {
                    if (answers[next] != null) {
                        merged.add(answers[next]);
                    }
                }
            }
            merged.add(response);
        }
        for (; next < answers.length; next++) {
            if (answers[next] != null) {
                merged.add(answers[next]);
            }
        }
        return merged;
    }
}
