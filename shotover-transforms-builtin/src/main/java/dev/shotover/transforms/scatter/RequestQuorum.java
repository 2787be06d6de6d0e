package dev.shotover.transforms.scatter;

import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The answers the routes gave to one request, and the decision {@link ConsistentScatter} takes from them.
 *
 * <ul>
 *   <li>A route <em>succeeds</em> when it answers with a response that is not an error reply. A route whose run
 *       failed, that answered with an error reply, or that returned no response for the request does not.</li>
 *   <li>The request is decided as soon as {@code needed} routes succeeded, or as soon as that can no longer happen
 *       (the successes plus the routes still running are fewer than {@code needed}). Routes that answer after
 *       that are late: their responses are released on arrival.</li>
 *   <li>Success: the answer is the successful response with the newest {@link ScatterResponses#lastModified
 *       last-modified time}; responses with a time beat those without; among equal times, or when none has one,
 *       the largest response wins; among equal sizes, the first to arrive.</li>
 *   <li>Failure: when at least {@code needed} routes answered with the very same error reply (the backends agree,
 *       e.g. {@code WRONGTYPE}), that error is the answer; otherwise there is no answer and the caller answers
 *       with an error built from {@link #describeRoutes}.</li>
 * </ul>
 *
 * <p><b>Buffers.</b> The quorum owns every response given to it: it releases those it does not choose when it
 * decides, and late ones on arrival. The chosen one passes to whoever calls {@link #takeAnswer()}.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop.
 */
final class RequestQuorum {
    private final int needed;
    private final RouteOutcome[] outcomes;
    private final List<Candidate> successes = new ArrayList<>();
    private final List<Candidate> errorReplies = new ArrayList<>(0);
    private int pending;
    private int successCount;
    private int arrivals;
    private boolean decided;
    private Message answer;

    /** What one route did with the request. */
    private sealed interface RouteOutcome {
    }

    private record Running() implements RouteOutcome {
    }

    private record Succeeded() implements RouteOutcome {
    }

    private record AnsweredError(String text) implements RouteOutcome {
    }

    private record Failed(String reason) implements RouteOutcome {
    }

    private static final RouteOutcome RUNNING = new Running();
    private static final RouteOutcome SUCCEEDED = new Succeeded();

    /** A response that may become the answer. */
    private static final class Candidate {
        final Message response;
        final OptionalLong lastModified;
        final int arrival;
        Frame frame;
        private long size = -1;

        Candidate(Message response, OptionalLong lastModified, int arrival) {
            this.response = response;
            this.lastModified = lastModified;
            this.arrival = arrival;
        }

        long size() {
            if (size < 0) {
                size = ScatterResponses.size(response);
            }
            return size;
        }
    }

    /**
     * @param routes how many routes the request was sent to
     * @param needed how many of them must succeed; between 1 and {@code routes}
     */
    RequestQuorum(int routes, int needed) {
        if (needed < 1 || needed > routes) {
            throw new IllegalArgumentException("needed must be between 1 and " + routes + " but was " + needed);
        }
        this.needed = needed;
        this.outcomes = new RouteOutcome[routes];
        Arrays.fill(outcomes, RUNNING);
        this.pending = routes;
    }

    /**
     * Records route {@code route}'s response. Takes ownership of {@code response}.
     *
     * @return true when this answer decided the request
     */
    boolean answered(int route, Message response) {
        if (decided || outcomes[route] != RUNNING) {
            response.release();
            return false;
        }
        pending--;
        Candidate candidate = new Candidate(response, ScatterResponses.lastModified(response), arrivals++);
        if (ScatterResponses.isErrorReply(response)) {
            // parsed now: the text is needed after the response may have been released
            candidate.frame = frameOf(response);
            outcomes[route] = new AnsweredError(describeError(candidate.frame));
            errorReplies.add(candidate);
        } else {
            outcomes[route] = SUCCEEDED;
            successCount++;
            successes.add(candidate);
        }
        return decideIfPossible();
    }

    /**
     * Records that route {@code route} gave no response to the request.
     *
     * @param reason why, for the error the client may get
     * @return true when this failure decided the request
     */
    boolean failed(int route, String reason) {
        if (decided || outcomes[route] != RUNNING) {
            return false;
        }
        pending--;
        outcomes[route] = new Failed(reason);
        return decideIfPossible();
    }

    /** {@return whether the request is decided; later answers are released on arrival} */
    boolean decided() {
        return decided;
    }

    /** {@return how many routes succeeded so far} */
    int successes() {
        return successCount;
    }

    /** {@return how many routes must succeed} */
    int needed() {
        return needed;
    }

    /**
     * {@return the chosen response once decided (a success, or an error reply enough routes agree on), or null when
     * the request failed} The caller owns the returned response; a second call returns null.
     */
    Message takeAnswer() {
        Message taken = answer;
        answer = null;
        return taken;
    }

    /**
     * {@return one entry per route other than the successful ones, in route order: {@code <route>: <what happened>}}
     *
     * @param routeNames the routes' names, in route order
     */
    List<String> describeRoutes(List<String> routeNames) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            RouteOutcome outcome = outcomes[i];
            if (outcome instanceof Failed failed) {
                lines.add(routeNames.get(i) + " failed: " + failed.reason());
            } else if (outcome instanceof AnsweredError error) {
                lines.add(routeNames.get(i) + " answered with an error: " + error.text());
            } else if (outcome == RUNNING) {
                lines.add(routeNames.get(i) + " has not answered yet");
            }
        }
        return lines;
    }

    private boolean decideIfPossible() {
        if (successCount >= needed) {
            Candidate best = null;
            for (Candidate candidate : successes) {
                if (best == null || newer(candidate, best)) {
                    best = candidate;
                }
            }
            decide(best.response);
            return true;
        }
        if (successCount + pending < needed) {
            decide(agreedError());
            return true;
        }
        return false;
    }

    /** Newest time first; a time beats none; then the larger; an earlier arrival wins ties. */
    private static boolean newer(Candidate candidate, Candidate best) {
        if (candidate.lastModified.isPresent() != best.lastModified.isPresent()) {
            return candidate.lastModified.isPresent();
        }
        if (candidate.lastModified.isPresent()) {
            long a = candidate.lastModified.getAsLong();
            long b = best.lastModified.getAsLong();
            if (a != b) {
                return a > b;
            }
        }
        if (candidate.size() != best.size()) {
            return candidate.size() > best.size();
        }
        return candidate.arrival < best.arrival;
    }

    /** An error reply that at least {@code needed} routes answered identically, or null. */
    private Message agreedError() {
        for (Candidate candidate : errorReplies) {
            if (candidate.frame == null) {
                continue;
            }
            int agreeing = 0;
            for (Candidate other : errorReplies) {
                if (candidate.frame.equals(other.frame)) {
                    agreeing++;
                }
            }
            if (agreeing >= needed) {
                return candidate.response;
            }
        }
        return null;
    }

    private void decide(Message chosen) {
        decided = true;
        answer = chosen;
        for (Candidate candidate : successes) {
            if (candidate.response != chosen) {
                candidate.response.release();
            }
        }
        for (Candidate candidate : errorReplies) {
            if (candidate.response != chosen) {
                candidate.response.release();
            }
        }
        successes.clear();
        errorReplies.clear();
    }

    private static Frame frameOf(Message response) {
        try {
            return response.frame();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describeError(Frame frame) {
        if (frame instanceof ValkeyFrame.Error error) {
            return error.message();
        }
        if (frame instanceof ValkeyFrame.BulkError error) {
            return new String(error.message(), StandardCharsets.UTF_8);
        }
        if (frame instanceof CassandraFrame cassandra
                && cassandra.envelope().message instanceof com.datastax.oss.protocol.internal.response.Error error) {
            return error.message;
        }
        return String.valueOf(frame);
    }
}
