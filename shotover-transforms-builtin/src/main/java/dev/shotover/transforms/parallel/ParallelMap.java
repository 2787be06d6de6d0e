package dev.shotover.transforms.parallel;

import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A terminating transform that spreads the requests of a batch over several instances of one sub-chain and runs
 * them concurrently.
 *
 * <p><b>Spreading.</b> Requests go round-robin, one per instance, continuing from where the previous batch of the
 * connection stopped (so single-request batches spread too). Each instance gets its share of a batch as one batch,
 * in request order; the instances run at the same time, so there is no ordering between requests sent to different
 * instances.
 *
 * <p><b>Responses.</b> The stage completes once every instance has answered its share. With ordered results the
 * responses are in request order (paired by request id); otherwise each instance's responses follow each other in
 * the order the instances finished. In-order protocols (Valkey, Kafka) always get request order: the builder forces
 * it, because the runtime writes a batch's responses in the order they are returned. Responses that answer none of
 * the requests (pub/sub pushes) come first.
 *
 * <p><b>Failures.</b> When an instance's run fails, only the requests sent to that instance are answered, each with
 * a protocol-native error naming this transform, the instance and the failure's cause chain (which names the
 * failing transform and the sub-chain); the other instances' responses are returned as usual and the connection
 * stays open. The failed instance is replaced by a fresh one (new backend connections) for later batches, and
 * closed once its outstanding runs are over. The first failure on a connection is logged at ERROR, later ones at
 * DEBUG. For protocols without protocol-native errors the whole stage fails instead, as any transform failure does.
 *
 * <p><b>Empty batches.</b> Flushes and forced runs (empty batches) are passed to every instance, so that sinks and
 * buffering transforms inside the sub-chain see them.
 *
 * <p><b>Threading.</b> One instance per connection, confined to its event loop; the sub-chain instances run on the
 * same loop. <b>Buffers.</b> The requests are handed to the sub-chain runs, which release them when they complete
 * (the runtime's later release is a no-op); responses are passed on, or released when a failure drops them.
 */
public final class ParallelMap implements Transform {
    private static final Logger log = LoggerFactory.getLogger(ParallelMap.class);

    private final String name;
    private final String chainName;
    private final SubChainFactory factory;
    private final TransformContext context;
    private final boolean ordered;
    private final Instance[] instances;
    private final List<Instance> retired = new ArrayList<>();
    private int next;
    private boolean failureLogged;

    /** One sub-chain instance in a slot, with the runs it has not finished yet. */
    private static final class Instance {
        final SubChain chain;
        final int slot;
        int inFlight;
        boolean retired;
        boolean closed;

        Instance(SubChain chain, int slot) {
            this.chain = chain;
            this.slot = slot;
        }

        void close() {
            if (!closed) {
                closed = true;
                chain.close();
            }
        }
    }

    /**
     * @param name        the transform's occurrence name; the sub-chain carries the same name
     * @param chainName   the chain this transform is part of
     * @param parallelism instances to build now, on the connection's event loop
     * @param ordered     responses in request order
     */
    public ParallelMap(String name, String chainName, SubChainFactory factory, TransformContext context,
                       int parallelism, boolean ordered) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1 but was " + parallelism);
        }
        this.name = name;
        this.chainName = chainName;
        this.factory = factory;
        this.context = context;
        this.ordered = ordered;
        this.instances = new Instance[parallelism];
        for (int i = 0; i < parallelism; i++) {
            instances[i] = new Instance(factory.build(context), i);
        }
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        int n = instances.length;
        List<List<Message>> shares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shares.add(new ArrayList<>());
        }
        for (Message request : requests) {
            shares.get(next).add(request);
            next = (next + 1) % n;
        }
        // an empty batch is a flush or a forced run: every instance must see it
        boolean everyInstance = requests.isEmpty() || state.flush();
        Gather gather = new Gather(requests);
        List<Instance> targets = new ArrayList<>(n);
        List<List<Message>> targetShares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (everyInstance || !shares.get(i).isEmpty()) {
                targets.add(instances[i]);
                targetShares.add(shares.get(i));
            }
        }
        gather.expect(targets.size());
        for (int t = 0; t < targets.size(); t++) {
            run(state, targets.get(t), targetShares.get(t), gather);
        }
        return gather.result;
    }

    private void run(ChainState state, Instance instance, List<Message> share, Gather gather) {
        instance.inFlight++;
        CompletionStage<List<Message>> stage;
        try {
            stage = instance.chain.process(state, share);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((responses, failure) -> {
            instance.inFlight--;
            if (failure == null) {
                if (instance.retired && instance.inFlight == 0) {
                    closeLater(instance);
                }
                gather.answered(responses);
            } else {
                Throwable cause = unwrap(failure);
                String text = describe(instance, cause);
                report(text, cause);
                retire(instance);
                gather.failed(share, text, cause);
            }
        });
    }

    /** Replaces a failed instance in its slot; the old one is closed once its outstanding runs are over. */
    private void retire(Instance failed) {
        if (!failed.retired) {
            failed.retired = true;
            if (instances[failed.slot] == failed) {
                try {
                    instances[failed.slot] = new Instance(factory.build(context), failed.slot);
                } catch (RuntimeException e) {
                    // keep the failed instance: its next run fails again and reports why
                    failed.retired = false;
                    log.warn("ParallelMap named {} could not rebuild sub-chain instance {}[{}]", name, name,
                            failed.slot, e);
                    return;
                }
            }
            retired.add(failed);
        }
        if (failed.inFlight == 0) {
            closeLater(failed);
        }
    }

    /** Closes outside the failing run's completion, which may still be inside the sub-chain's own code. */
    private void closeLater(Instance instance) {
        retired.remove(instance);
        context.eventLoop().execute(instance::close);
    }

    private void report(String text, Throwable cause) {
        if (!failureLogged) {
            failureLogged = true;
            log.error("{} (further sub-chain failures on this connection are logged at DEBUG)", text);
        } else {
            log.debug("{}", text, cause);
        }
    }

    /** The client-visible error: which instance failed, then the cause chain, as the runtime words its errors. */
    private String describe(Instance instance, Throwable cause) {
        StringBuilder text = new StringBuilder("ParallelMap named ").append(name).append(" in chain ")
                .append(chainName).append(" could not process this request: its sub-chain instance ")
                .append(name).append('[').append(instance.slot).append("] failed.\n\nCaused by:");
        int i = 0;
        for (Throwable t = cause; t != null && i < 20; t = t.getCause(), i++) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            text.append("\n    ").append(i).append(": ").append(message.replace('\n', ' '));
        }
        return text.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Closes every instance, also retired ones whose runs never finished. */
    @Override
    public void close() {
        for (Instance instance : instances) {
            instance.close();
        }
        for (Instance instance : retired) {
            instance.close();
        }
        retired.clear();
    }

    /** Collects the outcome of one batch's instance runs and completes {@link #result} when all are in. */
    private final class Gather {
        final CompletableFuture<List<Message>> result = new CompletableFuture<>();
        final List<Message> requests;
        // ordered: each request's response at its request's position; unordered: responses as they come
        final Message[] byPosition;
        final List<Message> inArrivalOrder;
        final List<Message> unsolicited = new ArrayList<>(0);
        Map<MessageId, Integer> positions;
        int missing;
        Throwable fatal;

        Gather(List<Message> requests) {
            this.requests = requests;
            this.byPosition = ordered ? new Message[requests.size()] : null;
            this.inArrivalOrder = ordered ? null : new ArrayList<>(requests.size());
        }

        void expect(int runs) {
            missing = runs;
            if (runs == 0) {
                result.complete(new ArrayList<>());
            }
        }

        void answered(List<Message> responses) {
            if (fatal != null) {
                release(responses);
            } else if (ordered) {
                for (Message response : responses) {
                    Integer position = response.requestId() == null ? null : position(response.requestId());
                    if (position != null && byPosition[position] == null) {
                        byPosition[position] = response;
                    } else {
                        unsolicited.add(response);
                    }
                }
            } else {
                for (Message response : responses) {
                    (response.requestId() == null ? unsolicited : inArrivalOrder).add(response);
                }
            }
            done();
        }

        void failed(List<Message> share, String text, Throwable cause) {
            if (fatal == null) {
                try {
                    for (Message request : share) {
                        Message error = request.errorResponse(ErrorKind.INTERNAL, text);
                        if (ordered) {
                            byPosition[position(request.id())] = error;
                        } else {
                            inArrivalOrder.add(error);
                        }
                    }
                } catch (RuntimeException e) {
                    // no protocol-native error can be built (e.g. a generated frame of a foreign shape): fail the
                    // whole stage, which ends the connection
                    fatal = cause;
                }
            }
            done();
        }

        private Integer position(MessageId requestId) {
            if (positions == null) {
                positions = new HashMap<>(requests.size() * 2);
                for (int i = 0; i < requests.size(); i++) {
                    positions.put(requests.get(i).id(), i);
                }
            }
            return positions.get(requestId);
        }

        private void done() {
            if (--missing > 0) {
                return;
            }
            if (fatal != null) {
                releaseCollected();
                result.completeExceptionally(fatal);
                return;
            }
            List<Message> responses = new ArrayList<>(requests.size() + unsolicited.size());
            responses.addAll(unsolicited);
            if (ordered) {
                for (int i = 0; i < byPosition.length; i++) {
                    Message response = byPosition[i];
                    if (response == null) {
                        // a sub-chain broke the one-response-per-request contract; the client still gets an answer
                        response = requests.get(i).errorResponse(ErrorKind.INTERNAL, "ParallelMap named " + name
                                + " in chain " + chainName + ": its sub-chain returned no response to this request");
                        log.error("ParallelMap named {}: sub-chain {} returned no response to request {}", name,
                                factory.name(), requests.get(i).id());
                    }
                    responses.add(response);
                }
            } else {
                responses.addAll(inArrivalOrder);
            }
            result.complete(responses);
        }

        private void releaseCollected() {
            release(unsolicited);
            if (byPosition != null) {
                for (Message response : byPosition) {
                    if (response != null) {
                        response.release();
                    }
                }
            }
            if (inArrivalOrder != null) {
                release(inArrivalOrder);
            }
        }
    }

    private static void release(List<Message> messages) {
        for (Message message : messages) {
            message.release();
        }
    }
}
