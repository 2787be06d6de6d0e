package dev.shotover.transforms.scatter;

import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.QueryType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One batch on its way through {@link ConsistentScatter}: a copy of every request per route, a
 * {@link RequestQuorum} per request, and the stage that completes once every request is decided.
 *
 * <p>Each route's copies have their own ids, so a route's responses are paired with the batch's requests through
 * that route's id index, never by position. Responses that answer none of the route's copies (pub/sub pushes, a
 * second response to one copy) are released.
 *
 * <p><b>Buffers.</b> The copies ({@link Message#copyWithNewId()}) are handed to the route runs, which own them.
 * Responses go to the quorums, which release all but the chosen ones; the chosen ones are returned up-chain with
 * their request's id. The original requests stay with the chain run.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop.
 */
final class ScatterRun {
    private final ScatterSettings settings;
    private final List<Message> requests;
    private final boolean[] reads;
    private final RequestQuorum[] quorums;
    private final List<Map<MessageId, Integer>> copyIndexes;
    private final CompletableFuture<List<Message>> result = new CompletableFuture<>();
    private int undecided;
    private boolean completed;

    /**
     * @param requests the batch as it reached the transform; not empty
     */
    ScatterRun(ScatterSettings settings, List<Message> requests) {
        this.settings = settings;
        this.requests = List.copyOf(requests);
        int count = this.requests.size();
        this.reads = new boolean[count];
        this.quorums = new RequestQuorum[count];
        for (int i = 0; i < count; i++) {
            // classified before copying, so the copies share the parsed frame
            reads[i] = isRead(this.requests.get(i));
            quorums[i] = new RequestQuorum(settings.routeCount(),
                    reads[i] ? settings.readConsistency() : settings.writeConsistency());
        }
        this.copyIndexes = new ArrayList<>(settings.routeCount());
        for (int r = 0; r < settings.routeCount(); r++) {
            copyIndexes.add(null);
        }
        this.undecided = count;
    }

    /** Reads wait for {@code read_consistency}; everything else (writes, and what cannot be classified) for writes'. */
    private static boolean isRead(Message request) {
        try {
            return request.queryType() == QueryType.READ;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@return fresh copies of the requests for route {@code route}, to hand to its run (which then owns them)} */
    List<Message> copiesFor(int route) {
        List<Message> copies = new ArrayList<>(requests.size());
        Map<MessageId, Integer> index = new HashMap<>(requests.size() * 2);
        for (int i = 0; i < requests.size(); i++) {
            Message copy = requests.get(i).copyWithNewId();
            copies.add(copy);
            index.put(copy.id(), i);
        }
        copyIndexes.set(route, index);
        return copies;
    }

    /** {@return the batch's responses, in request order, once every request is decided} */
    CompletableFuture<List<Message>> result() {
        return result;
    }

    /** Route {@code route}'s run completed; takes ownership of {@code responses}. */
    void routeAnswered(int route, List<Message> responses) {
        Map<MessageId, Integer> index = copyIndexes.get(route);
        boolean[] seen = new boolean[requests.size()];
        for (Message response : responses) {
            Integer position = response.requestId() == null || index == null ? null : index.get(response.requestId());
            if (position == null || seen[position]) {
                response.release();
                continue;
            }
            seen[position] = true;
            if (quorums[position].answered(route, response)) {
                undecided--;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i] && quorums[i].failed(route, "it returned no response to this request")) {
                undecided--;
            }
        }
        completeIfDecided();
    }

    /** Route {@code route}'s run failed: none of the requests got a response from it. */
    void routeFailed(int route, String reason) {
        for (RequestQuorum quorum : quorums) {
            if (quorum.failed(route, reason)) {
                undecided--;
            }
        }
        completeIfDecided();
    }

    private void completeIfDecided() {
        if (completed || undecided > 0) {
            return;
        }
        completed = true;
        List<Message> responses = new ArrayList<>(requests.size());
        int i = 0;
        try {
            for (; i < requests.size(); i++) {
                Message request = requests.get(i);
                Message answer = quorums[i].takeAnswer();
                if (answer != null) {
                    answer.setRequestId(request.id());
                    responses.add(answer);
                    ScatterResponses.stripLastModified(answer);
                } else {
                    responses.add(request.errorResponse(ErrorKind.INTERNAL, notEnoughText(i)));
                }
            }
        } catch (RuntimeException e) {
            // no protocol-native error for this request (a Kafka request that does not decode): the run fails,
            // which ends the client connection as any transform failure does
            responses.forEach(Message::release);
            for (int rest = i; rest < requests.size(); rest++) {
                Message answer = quorums[rest].takeAnswer();
                if (answer != null) {
                    answer.release();
                }
            }
            result.completeExceptionally(new IllegalStateException(notEnoughText(Math.min(i, requests.size() - 1)), e));
            return;
        }
        result.complete(responses);
    }

    /** The client-visible error of a request that did not get enough successful responses. */
    String notEnoughText(int position) {
        RequestQuorum quorum = quorums[position];
        StringBuilder text = new StringBuilder("ConsistentScatter named \"").append(settings.name())
                .append("\" in chain ").append(settings.chainName())
                .append(": not enough successful responses for this ").append(reads[position] ? "read" : "write")
                .append(": ").append(quorum.successes()).append(" of the ").append(quorum.needed())
                .append(" required (").append(settings.routeCount()).append(" routes).");
        List<String> routes = quorum.describeRoutes(settings.routeNames());
        for (int r = 0; r < routes.size(); r++) {
            text.append(r == 0 ? " " : "; ").append(routes.get(r));
        }
        return text.toString();
    }
}
