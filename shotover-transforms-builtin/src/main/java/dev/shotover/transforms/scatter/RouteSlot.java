package dev.shotover.transforms.scatter;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route of a {@link ConsistentScatter} on one client connection: its current sub-chain instance, built on first
 * use. A run that fails retires the instance (its sinks stay failed, e.g. after the backend went away); the next
 * batch builds a fresh one, which connects again, so a backend that comes back is used again without a new client
 * connection. A retired instance is closed once its outstanding runs are over.
 *
 * <p>Logs an outage once: WARN when the route starts failing, DEBUG for further failures, INFO when it answers
 * again.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop.
 */
final class RouteSlot {
    private static final Logger log = LoggerFactory.getLogger(ConsistentScatter.class);

    private final String scatterName;
    private final String routeName;
    private final SubChainFactory factory;
    private final TransformContext context;
    private final List<Instance> retired = new ArrayList<>();
    private Instance current;
    private boolean failing;
    private boolean closed;

    /** A sub-chain instance and its runs in flight. */
    private static final class Instance {
        final SubChain chain;
        int inFlight;
        boolean retired;
        boolean closed;

        Instance(SubChain chain) {
            this.chain = chain;
        }

        void close() {
            if (!closed) {
                closed = true;
                chain.close();
            }
        }
    }

    RouteSlot(String scatterName, String routeName, SubChainFactory factory, TransformContext context) {
        this.scatterName = scatterName;
        this.routeName = routeName;
        this.factory = factory;
        this.context = context;
    }

    /** {@return whether an instance exists, i.e. whether anything could be buffered in the route} */
    boolean hasInstance() {
        return current != null;
    }

    /**
     * Runs the route with {@code requests}, which the run then owns.
     *
     * @param onAnswer  gets the responses (and their ownership) when the run completes
     * @param onFailure gets a one-line reason when the run fails
     * @return completes when the run is over, either way; never exceptionally
     */
    CompletableFuture<Void> run(ChainState state, List<Message> requests, Consumer<List<Message>> onAnswer,
                                Consumer<String> onFailure) {
        CompletableFuture<Void> over = new CompletableFuture<>();
        Instance instance;
        try {
            instance = instance();
        } catch (RuntimeException e) {
            requests.forEach(Message::release);
            logFailure(e);
            onFailure.accept(describe(e));
            over.complete(null);
            return over;
        }
        instance.inFlight++;
        CompletionStage<List<Message>> stage;
        try {
            stage = instance.chain.process(state, requests);
        } catch (RuntimeException e) {
            requests.forEach(Message::release);
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((responses, failure) -> {
            instance.inFlight--;
            try {
                if (failure == null) {
                    logAnswered();
                    onAnswer.accept(responses);
                } else {
                    Throwable cause = unwrap(failure);
                    retire(instance);
                    logFailure(cause);
                    onFailure.accept(describe(cause));
                }
            } finally {
                if (instance.retired && instance.inFlight == 0) {
                    closeLater(instance);
                }
                over.complete(null);
            }
        });
        return over;
    }

    private Instance instance() {
        if (current == null) {
            current = new Instance(factory.build(context));
        }
        return current;
    }

    private void retire(Instance instance) {
        if (!instance.retired) {
            instance.retired = true;
            if (current == instance) {
                current = null;
            }
            retired.add(instance);
        }
    }

    /** Closes outside the failing run's completion, which may still be inside the sub-chain's own code. */
    private void closeLater(Instance instance) {
        if (retired.remove(instance)) {
            context.eventLoop().execute(instance::close);
        }
    }

    private void logFailure(Throwable cause) {
        if (closed || failing) {
            log.debug("ConsistentScatter \"{}\" route {} failed: {}", scatterName, routeName, describe(cause));
            return;
        }
        failing = true;
        log.warn("ConsistentScatter \"{}\" route {} failed; it counts as unsuccessful for the requests sent to it "
                        + "until it answers again (further failures on this connection are logged at DEBUG): {}",
                scatterName, routeName, describe(cause));
    }

    private void logAnswered() {
        if (failing) {
            failing = false;
            log.info("ConsistentScatter \"{}\" route {} answers again", scatterName, routeName);
        }
    }

    /** Closes the current instance and retired ones whose runs never finished; runs still in them fail. */
    void close() {
        closed = true;
        if (current != null) {
            current.close();
        }
        for (Instance instance : retired) {
            instance.close();
        }
        retired.clear();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A failure and its causes on one line: {@code outer: cause: root cause}. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = unwrap(failure); t != null && depth < 20; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(message.replace('\n', ' '));
            depth++;
        }
        return text.toString();
    }
}
