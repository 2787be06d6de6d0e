package dev.shotover.transforms.tee;

import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pairs the responses of a {@link Tee}'s two chains by request and decides what the client gets.
 *
 * <p>The client gets the result-source chain's responses in the order that chain returned them (for in-order
 * protocols that is request order), with responses from the tee chain re-labelled with the original request's id.
 * Unsolicited responses (no request id) pass through from the result-source chain only. A request the result source
 * gave no response for (it timed out) is answered with an error. When comparing, each request's two responses are
 * compared ({@link #sameResponse}); a request whose pair differs, or for which either chain gave nothing, is a
 * {@link Mismatch}.
 *
 * <p><b>Buffers.</b> Takes ownership of every response in both outcomes: the ones it returns pass on to the caller,
 * the others (the other chain's, replaced ones) are released.
 */
final class TeeComparison {

    /** Shotover's text for a request answered with an error by {@code FailOnMismatch}. */
    static final String MISMATCH_ERROR =
            "The responses from the Tee subchain and down-chain did not match and behavior is set to fail on mismatch";

    private TeeComparison() {
    }

    /**
     * A request whose responses differ.
     *
     * @param index                the request's position in the batch
     * @param resultSourceResponse the result source's response, rendered for a log line
     * @param otherResponse        the other chain's response, rendered for a log line
     */
    record Mismatch(int index, String resultSourceResponse, String otherResponse) {
    }

    /** What the client gets, and the mismatches found (empty when not comparing). */
    record Resolution(List<Message> responses, List<Mismatch> mismatches) {
    }

    /**
     * @param batch          the requests and their copies
     * @param result         the result source's outcome: {@link ChainOutcome.Answered} or
     *                       {@link ChainOutcome.TimedOut} (a failed result source fails the run instead)
     * @param other          the other chain's outcome, any kind
     * @param resultIsTee    true when the result source is the tee chain (its responses answer the copies)
     * @param compare        false for {@code Ignore}: the other chain's responses are only released
     * @param failOnMismatch replace each mismatching result-source response with {@link #MISMATCH_ERROR}
     */
    static Resolution resolve(TeeBatch batch, ChainOutcome result, ChainOutcome other, boolean resultIsTee,
                              boolean compare, boolean failOnMismatch) {
        if (result instanceof ChainOutcome.Failed) {
            throw new IllegalArgumentException("a failed result source has nothing to resolve");
        }
        int size = batch.size();
        List<Message> out = new ArrayList<>(size);
        Message[] fromResult = new Message[size];
        int[] slot = new int[size];
        Message[] fromOther = new Message[size];
        try {
            if (result instanceof ChainOutcome.Answered answered) {
                for (Message response : answered.responses()) {
                    int index = resultIsTee ? batch.indexOfCopy(response.requestId())
                            : batch.indexOfOriginal(response.requestId());
                    if (index >= 0 && fromResult[index] == null) {
                        fromResult[index] = response;
                        slot[index] = out.size();
                        if (resultIsTee) {
                            response.setRequestId(batch.originals().get(index).id());
                        }
                    }
                    // responses to nothing of this batch (unsolicited ones) pass through from the result source
                    out.add(response);
                }
            }
            if (other instanceof ChainOutcome.Answered answered) {
                for (Message response : answered.responses()) {
                    int index = resultIsTee ? batch.indexOfOriginal(response.requestId())
                            : batch.indexOfCopy(response.requestId());
                    if (index >= 0 && fromOther[index] == null) {
                        fromOther[index] = response;
                    } else {
                        response.release();
                    }
                }
            }

            List<Mismatch> mismatches = List.of();
            String resultName = resultIsTee ? "tee chain" : "down-chain";
            String otherName = resultIsTee ? "down-chain" : "tee chain";
            for (int i = 0; i < size; i++) {
                Message original = batch.originals().get(i);
                Message kept = fromResult[i];
                Message compared = fromOther[i];
                if (compare && (kept == null || compared == null || !sameResponse(kept, compared))) {
                    if (mismatches.isEmpty()) {
                        mismatches = new ArrayList<>();
                    }
                    mismatches.add(new Mismatch(i,
                            kept == null ? absent(result, resultName) : describe(kept),
                            compared == null ? absent(other, otherName) : describe(compared)));
                    if (failOnMismatch && kept != null) {
                        out.set(slot[i], original.errorResponse(ErrorKind.INTERNAL, MISMATCH_ERROR));
                        kept.release();
                        fromResult[i] = null;
                        slot[i] = -1;
                    }
                }
                if (kept == null) {
                    out.add(original.errorResponse(ErrorKind.INTERNAL, noResponseText(result, resultIsTee)));
                }
                if (compared != null) {
                    compared.release();
                    fromOther[i] = null;
                }
            }
            return new Resolution(out, mismatches);
        } catch (RuntimeException e) {
            // e.g. a protocol without native error responses: nothing may leak on the way out
            out.forEach(Message::release);
            Arrays.stream(fromOther).filter(m -> m != null).forEach(Message::release);
            throw e;
        }
    }

    /**
     * True when two responses carry the same value: byte-identical, or equal once parsed (for Valkey, equal
     * {@link dev.shotover.api.valkey.ValkeyFrame} values). Ids are ignored. A response that cannot be parsed
     * equals only a byte-identical one.
     */
    static boolean sameResponse(Message a, Message b) {
        ByteBuf rawA = a.rawBytes();
        ByteBuf rawB = b.rawBytes();
        if (rawA != null && rawB != null && rawA.equals(rawB)) {
            return true;
        }
        try {
            return a.frame().equals(b.frame());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A response as a mismatch log line shows it: its parsed value. */
    static String describe(Message message) {
        try {
            return message.frame().toString();
        } catch (RuntimeException e) {
            ByteBuf raw = message.rawBytes();
            return "unparseable message of " + (raw == null ? 0 : raw.readableBytes()) + " bytes ("
                    + e.getMessage() + ")";
        }
    }

    /** How a mismatch log line shows a response that a chain did not give. */
    private static String absent(ChainOutcome outcome, String chain) {
        if (outcome instanceof ChainOutcome.TimedOut timedOut) {
            return "no response: the " + chain + " did not answer within " + timedOut.micros() + " microseconds";
        }
        if (outcome instanceof ChainOutcome.Failed failed) {
            return "no response: the " + chain + " failed: " + Tee.describe(failed.cause());
        }
        return "no response: the " + chain + " returned none for this request";
    }

    /** The error a client gets for a request the result source did not answer. */
    private static String noResponseText(ChainOutcome outcome, boolean resultIsTee) {
        String chain = resultIsTee ? "sub-chain" : "down-chain";
        if (outcome instanceof ChainOutcome.TimedOut timedOut) {
            return "The Tee " + chain + " did not respond within " + timedOut.micros() + " microseconds";
        }
        return "The Tee " + chain + " returned no response to this request";
    }
}
