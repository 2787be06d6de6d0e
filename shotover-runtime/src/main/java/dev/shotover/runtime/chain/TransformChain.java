package dev.shotover.runtime.chain;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.runtime.observability.HotPathRecording;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transforms of one chain for one client connection, and the {@link ChainState.DownChain} that runs them:
 * every call into a transform is counted and timed, and a failure is wrapped with the transform's name.
 *
 * <p>Confined to the connection's event loop.
 */
public final class TransformChain implements ChainState.DownChain {
    private static final Logger log = LoggerFactory.getLogger(TransformChain.class);

    private final ChainDefinition definition;
    private final Transform[] transforms;
    private final Timer latency;
    private boolean closed;
    /**
     * Hand-over from {@code run} to the {@code call} of the first transform, which it makes through
     * {@link ChainState#callNextTransform()}: the run's start (so that the first call's latency starts at the same
     * clock read instead of a second one) and, for {@link #run(ChainState, BiConsumer)}, where the outcome goes.
     * Cleared as soon as that call reads them; 0 and null when no run is starting.
     */
    private long runStartNanos;
    private BiConsumer<List<Message>, Throwable> runOutcome;

    TransformChain(ChainDefinition definition, Transform[] transforms, Timer latency) {
        this.definition = definition;
        this.transforms = transforms;
        this.latency = latency;
    }

    public String name() {
        return definition.name();
    }

    /** The number of transforms, the sink included. */
    public int size() {
        return transforms.length;
    }

    /** A new run carrying {@code requests} (the list becomes the run's; transforms may edit it). */
    public ChainState newRun(List<Message> requests, SocketAddress localAddress, boolean flush) {
        return new ChainState(definition.name(), localAddress, requests, flush, this);
    }

    /** Runs the chain. The stage completes with the responses, or with a {@link TransformFailedException}. */
    public CompletionStage<List<Message>> run(ChainState state) {
        long start = startRun(state, null);
        CompletionStage<List<Message>> stage;
        try {
            stage = state.callNextTransform();
        } finally {
            runStartNanos = 0;
        }
        if (stage instanceof CompletableFuture<List<Message>> done && done.isDone() && !done.isCompletedExceptionally()) {
            // the common synchronous case: no extra future per run
            recordRun(start, System.nanoTime(), done.join(), null);
            return done;
        }
        return stage.whenComplete((responses, failure) -> recordRun(start, System.nanoTime(), responses, failure));
    }

    /**
     * Runs the chain and hands the outcome to {@code outcome}: the responses, or a {@link TransformFailedException}
     * (never wrapped in a {@link CompletionException}). Called synchronously when the chain completes synchronously,
     * otherwise on the thread that completes the last stage.
     *
     * <p>The same as {@code run(state).whenComplete(outcome)}, but the first transform's completion reports straight
     * to {@code outcome}: one future and one callback per run instead of four futures and three callbacks. The
     * runtime runs the chain once per client batch, so this is on the request path.
     */
    public void run(ChainState state, BiConsumer<List<Message>, Throwable> outcome) {
        long start = startRun(state, outcome);
        CompletionStage<List<Message>> stage;
        try {
            stage = state.callNextTransform();
        } finally {
            runStartNanos = 0;
        }
        if (runOutcome != null) {
            // The run's ChainState had been used before, so its first call was not to transform 0 and nothing took
            // the outcome: report it the slow way.
            runOutcome = null;
            stage.whenComplete((responses, failure) -> {
                Throwable wrapped = failure == null ? null : unwrap(failure);
                recordRun(start, System.nanoTime(), responses, wrapped);
                outcome.accept(wrapped == null ? responses : null, wrapped);
            });
        }
    }

    // Every histogram record of a run reuses a clock read the run makes anyway (see HotPathRecording): this happens
    // for every batch, and clock reads were a visible share of the proxy's CPU time.
    private long startRun(ChainState state, BiConsumer<List<Message>, Throwable> outcome) {
        long start = System.nanoTime();
        definition.total().increment();
        HotPathRecording.record(definition.requestsBatchSize(), state.requests().size(), start);
        runStartNanos = start;
        runOutcome = outcome;
        return start;
    }

    private void recordRun(long start, long end, List<Message> responses, Throwable failure) {
        HotPathRecording.recordNanos(latency, end - start, end);
        if (failure != null) {
            definition.failures().increment();
        } else {
            HotPathRecording.record(definition.responsesBatchSize(), responses.size(), end);
        }
    }

    @Override
    public CompletionStage<List<Message>> call(int index, ChainState state) {
        long runStart = 0;
        BiConsumer<List<Message>, Throwable> outcome = null;
        if (index == 0) {
            // only the first transform's call belongs to the starting run
            runStart = runStartNanos;
            outcome = runOutcome;
            runStartNanos = 0;
            runOutcome = null;
        }
        if (index >= transforms.length) {
            // validation guarantees a terminating transform last; reaching here is a transform bug
            return failedCall(runStart, outcome, new IllegalStateException(
                    "the last transform of chain " + definition.name() + " called down-chain"));
        }
        TransformEntry entry = definition.entries().get(index);
        entry.total().increment();
        long start = runStart != 0 ? runStart : System.nanoTime();
        CompletionStage<List<Message>> stage;
        try {
            stage = transforms[index].transform(state);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("transform returned no stage"));
            }
        } catch (RuntimeException | Error e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage instanceof CompletableFuture<List<Message>> done && done.isDone() && !done.isCompletedExceptionally()) {
            long end = System.nanoTime();
            HotPathRecording.recordNanos(entry.latency(), end - start, end);
            if (outcome != null) {
                List<Message> responses = done.join();
                recordRun(runStart, end, responses, null);
                outcome.accept(responses, null);
            }
            return done;
        }
        long callStart = start;
        if (outcome != null) {
            // The run's own callback: no future of our own, the run's outcome is reported from here.
            long started = runStart;
            BiConsumer<List<Message>, Throwable> report = outcome;
            return stage.whenComplete((responses, failure) -> {
                long end = System.nanoTime();
                HotPathRecording.recordNanos(entry.latency(), end - callStart, end);
                Throwable wrapped = failure == null ? null : failed(entry, failure);
                recordRun(started, end, responses, wrapped);
                report.accept(wrapped == null ? responses : null, wrapped);
            });
        }
        CompletableFuture<List<Message>> result = new CompletableFuture<>();
        stage.whenComplete((responses, failure) -> {
            long end = System.nanoTime();
            HotPathRecording.recordNanos(entry.latency(), end - callStart, end);
            if (failure == null) {
                result.complete(responses);
            } else {
                result.completeExceptionally(failed(entry, failure));
            }
        });
        return result;
    }

    /** Counts a transform's failure and names the transform in it, the way Shotover reports it. */
    private TransformFailedException failed(TransformEntry entry, Throwable failure) {
        entry.failures().increment();
        return new TransformFailedException(entry.typeName(), entry.name(), definition.name(), unwrap(failure));
    }

    private CompletionStage<List<Message>> failedCall(long runStart, BiConsumer<List<Message>, Throwable> outcome,
                                                      Throwable failure) {
        if (outcome != null) {
            recordRun(runStart, System.nanoTime(), null, failure);
            outcome.accept(null, failure);
        }
        return CompletableFuture.failedFuture(failure);
    }

    /** Calls {@link Transform#close()} on every transform once. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < transforms.length; i++) {
            try {
                transforms[i].close();
            } catch (RuntimeException e) {
                log.warn("closing transform {} of chain {} failed", definition.entries().get(i).name(), name(), e);
            }
        }
    }

    /** Strips the wrappers CompletableFuture adds around a failure. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
