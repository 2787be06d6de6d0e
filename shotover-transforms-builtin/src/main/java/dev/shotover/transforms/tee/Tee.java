package dev.shotover.transforms.tee;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every batch down the rest of its chain (the down-chain) and, as copies, down the tee chain at the same
 * time, then returns one chain's responses: the result source's ({@link ResultSource}, switchable at run time).
 *
 * <ul>
 *   <li>{@link TeeBehavior.Ignore} with the down-chain as result source: the tee chain runs fire-and-forget; the
 *       client's latency never depends on it. Its responses are released when they arrive; its failures are
 *       logged (see {@link OutageLog}).</li>
 *   <li>The comparing behaviours, and any behaviour with the tee chain as result source, wait for both chains
 *       (the tee chain for at most {@code timeout_micros}) and pair the responses by request id
 *       ({@link TeeComparison}).</li>
 *   <li>While the tee chain is not the result source, at most {@code buffer_size} batches may be in flight in it;
 *       a batch beyond that is not sent to it (it goes down the down-chain only, uncompared) and its requests are
 *       counted in {@code shotover_tee_dropped_messages_count{chain="Tee"}}.</li>
 *   <li>Runs with an empty batch (flushes, forced runs) go to both chains and are never dropped; on a flush the Tee
 *       also waits for the tee and mismatch chains' flush (at most {@code timeout_micros}), so buffering transforms
 *       in them deliver their last requests before the connection's transforms are closed.</li>
 * </ul>
 *
 * <p><b>Threading.</b> One instance per client connection, confined to its event loop; the sub-chain instances run
 * on the same loop, and timeouts are scheduled on it.
 *
 * <p><b>Buffers.</b> The tee chain gets {@link Message#copyWithNewId()} copies, which the sub-chain run owns. The
 * Tee releases every response it does not return: the other chain's, replaced ones, late ones after a timeout,
 * and the mismatch chain's.
 */
public final class Tee implements Transform {
    private static final Logger log = LoggerFactory.getLogger(Tee.class);

    private final TeeSettings settings;
    private final SubChain teeChain;
    private final SubChain mismatchChain;
    private final TransformContext context;
    private final OutageLog teeOutage;
    private final OutageLog downChainOutage;
    private final OutageLog mismatchOutage;
    private int teeBatchesInFlight;
    private int mismatchBatchesInFlight;
    private boolean closed;

    /**
     * @param mismatchChain the {@code SubchainOnMismatch} chain's instance, or null for the other behaviours
     */
    public Tee(TeeSettings settings, SubChain teeChain, SubChain mismatchChain, TransformContext context) {
        this.settings = settings;
        this.teeChain = teeChain;
        this.mismatchChain = mismatchChain;
        this.context = context;
        this.teeOutage = new OutageLog(log, "Tee sub-chain \"" + settings.name() + "\"",
                "its responses are not compared or returned while it fails");
        this.downChainOutage = new OutageLog(log, "The down-chain of Tee \"" + settings.name() + "\"",
                "the result source is tee-chain, so its responses are not returned to the client");
        this.mismatchOutage = new OutageLog(log, "Tee mismatch sub-chain \"" + settings.name() + ".mismatch\"",
                "requests whose responses mismatched may not have reached it");
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        boolean teeIsResult = settings.resultSource().get() == ResultSource.TEE_CHAIN;
        if (!requests.isEmpty() && !teeIsResult && teeBatchesInFlight >= settings.bufferSize()) {
            // the tee chain is not keeping up; the client must not wait for it, so this batch is not mirrored
            settings.dropped().increment(requests.size());
            return state.callNextTransform();
        }
        // copy before the down-chain runs: its transforms may change or replace the requests
        TeeBatch batch = TeeBatch.copying(requests);
        CompletionStage<List<Message>> downChain = state.callNextTransform();
        CompletionStage<List<Message>> tee = runTeeChain(state, batch);
        CompletableFuture<Void> mismatchFlush = state.flush() ? flushMismatchChain(state) : null;

        if (!settings.behavior().compares() && !teeIsResult && !state.flush()) {
            tee.whenComplete(this::teeAnsweredUnwatched);
            return downChain;
        }
        CompletableFuture<List<Message>> responses = outcomeOf(downChain)
                .thenCombine(bounded(tee), (down, teeResult) -> resolve(state, batch, down, teeResult, teeIsResult));
        return mismatchFlush == null ? responses : responses.thenCombine(mismatchFlush, (done, ignored) -> done);
    }

    private CompletionStage<List<Message>> runTeeChain(ChainState state, TeeBatch batch) {
        CompletionStage<List<Message>> stage = process(teeChain, state, batch.copies());
        if (batch.size() == 0) {
            return stage;
        }
        teeBatchesInFlight++;
        return stage.whenComplete((responses, failure) -> teeBatchesInFlight--);
    }

    /** Ignore with the down-chain as result source: nobody waits for the tee chain. */
    private void teeAnsweredUnwatched(List<Message> responses, Throwable failure) {
        if (failure != null) {
            teeOutage.failed(unwrap(failure), closed);
        } else {
            releaseAll(responses);
            teeOutage.answered();
        }
    }

    private List<Message> resolve(ChainState state, TeeBatch batch, ChainOutcome down, ChainOutcome tee,
                                  boolean teeIsResult) {
        ChainOutcome result = teeIsResult ? tee : down;
        ChainOutcome other = teeIsResult ? down : tee;
        OutageLog otherOutage = teeIsResult ? downChainOutage : teeOutage;
        if (other instanceof ChainOutcome.Failed failed) {
            otherOutage.failed(failed.cause(), closed);
        } else if (other instanceof ChainOutcome.Answered) {
            otherOutage.answered();
        }
        if (result instanceof ChainOutcome.Failed failed) {
            // the result source failed: the run fails as it would without the Tee
            other.release();
            throw new CompletionException(failed.cause());
        }
        TeeBehavior behavior = settings.behavior();
        TeeComparison.Resolution resolution = TeeComparison.resolve(batch, result, other, teeIsResult,
                behavior.compares(), behavior instanceof TeeBehavior.FailOnMismatch);
        if (!resolution.mismatches().isEmpty()) {
            onMismatches(state, batch, resolution.mismatches());
        }
        return resolution.responses();
    }

    private void onMismatches(ChainState state, TeeBatch batch, List<TeeComparison.Mismatch> mismatches) {
        boolean warn = settings.behavior() instanceof TeeBehavior.LogWarningOnMismatch;
        for (TeeComparison.Mismatch mismatch : mismatches) {
            if (warn) {
                log.warn("Tee mismatch:\nresult-source response: {}\nother response: {}",
                        mismatch.resultSourceResponse(), mismatch.otherResponse());
            } else if (log.isDebugEnabled()) {
                log.debug("Tee mismatch:\nresult-source response: {}\nother response: {}",
                        mismatch.resultSourceResponse(), mismatch.otherResponse());
            }
        }
        if (settings.behavior() instanceof TeeBehavior.SubchainOnMismatch && mismatchChain != null) {
            List<Message> mismatched = new ArrayList<>(mismatches.size());
            for (TeeComparison.Mismatch mismatch : mismatches) {
                mismatched.add(batch.originals().get(mismatch.index()));
            }
            sendToMismatchChain(state, mismatched);
        }
    }

    /** Fire-and-forget, bounded by {@code buffer_size} like the tee chain. */
    private void sendToMismatchChain(ChainState state, List<Message> originals) {
        if (mismatchBatchesInFlight >= settings.bufferSize()) {
            settings.dropped().increment(originals.size());
            return;
        }
        List<Message> copies = new ArrayList<>(originals.size());
        for (Message original : originals) {
            copies.add(original.copyWithNewId());
        }
        mismatchBatchesInFlight++;
        process(mismatchChain, state, copies).whenComplete((responses, failure) -> {
            mismatchBatchesInFlight--;
            if (failure != null) {
                mismatchOutage.failed(unwrap(failure), closed);
            } else {
                releaseAll(responses);
                mismatchOutage.answered();
            }
        });
    }

    private CompletableFuture<Void> flushMismatchChain(ChainState state) {
        if (mismatchChain == null) {
            return null;
        }
        return bounded(process(mismatchChain, state, new ArrayList<>())).thenAccept(outcome -> {
            if (outcome instanceof ChainOutcome.Failed failed) {
                mismatchOutage.failed(failed.cause(), closed);
            }
            outcome.release();
        });
    }

    private static CompletionStage<List<Message>> process(SubChain chain, ChainState state, List<Message> requests) {
        try {
            return chain.process(state, requests);
        } catch (RuntimeException e) {
            releaseAll(requests);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The outcome of a tee-chain (or mismatch-chain) run, given up on after {@code timeout_micros}: responses that
     * arrive after that are released on arrival. Never completes exceptionally.
     */
    private CompletableFuture<ChainOutcome> bounded(CompletionStage<List<Message>> stage) {
        CompletableFuture<ChainOutcome> outcome = new CompletableFuture<>();
        Long timeoutMicros = settings.timeoutMicros();
        Runnable giveUp = () -> outcome.complete(new ChainOutcome.TimedOut(timeoutMicros));
        ScheduledFuture<?> timer = timeoutMicros == null ? null
                : context.eventLoop().schedule(giveUp, timeoutMicros, TimeUnit.MICROSECONDS);
        stage.whenComplete((responses, failure) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            ChainOutcome arrived = failure == null ? new ChainOutcome.Answered(responses)
                    : new ChainOutcome.Failed(unwrap(failure));
            if (!outcome.complete(arrived)) {
                arrived.release();
                if (arrived instanceof ChainOutcome.Failed failed) {
                    log.debug("Tee \"{}\" sub-chain failed after the Tee stopped waiting: {}", settings.name(),
                            describe(failed.cause()));
                }
            }
        });
        return outcome;
    }

    private static CompletableFuture<ChainOutcome> outcomeOf(CompletionStage<List<Message>> stage) {
        CompletableFuture<ChainOutcome> outcome = new CompletableFuture<>();
        stage.whenComplete((responses, failure) -> outcome.complete(failure == null
                ? new ChainOutcome.Answered(responses) : new ChainOutcome.Failed(unwrap(failure))));
        return outcome;
    }

    /** Closes the sub-chain instances (their backend connections); runs still in them fail and are released. */
    @Override
    public void close() {
        closed = true;
        try {
            teeChain.close();
        } finally {
            if (mismatchChain != null) {
                mismatchChain.close();
            }
        }
    }

    private static void releaseAll(List<Message> messages) {
        for (Message message : messages) {
            message.release();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A failure and its causes on one line, {@code outer: cause: root cause}. */
    static String describe(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        Throwable t = unwrap(failure);
        while (t != null) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }
}
