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
     * The start of the run whose first transform is about to be called, so that the first call's latency starts at
     * the same clock read as the run's instead of a second one. 0 when no run is starting.
     */
    private long runStartNanos;

    TransformChain(ChainDefinition definition, Transform[] transforms, Timer latency) {
        this.definition = definition;
        this.transforms = transforms;
        this.latency = latency;
    }

    public String name() {
        return definition.name();
    }

    /** A new run carrying {@code requests} (the list becomes the run's; transforms may edit it). */
    public ChainState newRun(List<Message> requests, SocketAddress localAddress, boolean flush) {
        return new ChainState(definition.name(), localAddress, requests, flush, this);
    }

    /** Runs the chain. The stage completes with the responses, or with a {@link TransformFailedException}. */
    public CompletionStage<List<Message>> run(ChainState state) {
        // Every histogram record below reuses a clock read the run makes anyway (see HotPathRecording): this runs for
        // every batch, and clock reads were a visible share of the proxy's CPU time.
        long start = System.nanoTime();
        definition.total().increment();
        HotPathRecording.record(definition.requestsBatchSize(), state.requests().size(), start);
        runStartNanos = start;
        CompletionStage<List<Message>> stage;
        try {
            stage = state.callNextTransform();
        } finally {
            runStartNanos = 0;
        }
        if (stage instanceof CompletableFuture<List<Message>> done && done.isDone() && !done.isCompletedExceptionally()) {
            // the common synchronous case: no extra future per run
            recordRun(start, done.join(), null);
            return done;
        }
        return stage.whenComplete((responses, failure) -> recordRun(start, responses, failure));
    }

    private void recordRun(long start, List<Message> responses, Throwable failure) {
        long end = System.nanoTime();
        HotPathRecording.recordNanos(latency, end - start, end);
        if (failure != null) {
            definition.failures().increment();
        } else {
            HotPathRecording.record(definition.responsesBatchSize(), responses.size(), end);
        }
    }

    @Override
    public CompletionStage<List<Message>> call(int index, ChainState state) {
        if (index >= transforms.length) {
            // validation guarantees a terminating transform last; reaching here is a transform bug
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the last transform of chain " + definition.name() + " called down-chain"));
        }
        TransformEntry entry = definition.entries().get(index);
        entry.total().increment();
        long start = runStartNanos;
        runStartNanos = 0;
        if (index != 0 || start == 0) {
            start = System.nanoTime();
        }
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
            return done;
        }
        CompletableFuture<List<Message>> result = new CompletableFuture<>();
        long callStart = start;
        stage.whenComplete((responses, failure) -> {
            long end = System.nanoTime();
            HotPathRecording.recordNanos(entry.latency(), end - callStart, end);
            if (failure == null) {
                result.complete(responses);
            } else {
                entry.failures().increment();
                result.completeExceptionally(new TransformFailedException(entry.typeName(), entry.name(),
                        definition.name(), unwrap(failure)));
            }
        });
        return result;
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
