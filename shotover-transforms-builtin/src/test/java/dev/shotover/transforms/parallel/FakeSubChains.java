package dev.shotover.transforms.parallel;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * A {@link SubChainFactory} whose instances answer with a test-supplied function of (instance number, requests).
 * Instances are numbered in build order from 0; every run is recorded. Like the runtime's sub-chains, a run
 * releases the requests it was given once it completes.
 */
final class FakeSubChains implements SubChainFactory {
    private final BiFunction<Integer, List<Message>, CompletionStage<List<Message>>> responder;
    final List<Instance> built = new ArrayList<>();
    boolean factoryClosed;

    FakeSubChains(BiFunction<Integer, List<Message>, CompletionStage<List<Message>>> responder) {
        this.responder = responder;
    }

    /** Instances that answer like an echo sink, at once. */
    static FakeSubChains echo() {
        return new FakeSubChains((instance, requests) ->
                CompletableFuture.completedFuture(dev.shotover.transforms.testing.FakeDownChain.echoAll(requests)));
    }

    @Override
    public String name() {
        return "pm";
    }

    @Override
    public SubChain build(TransformContext context) {
        Instance instance = new Instance(built.size());
        built.add(instance);
        return instance;
    }

    @Override
    public void close() {
        factoryClosed = true;
    }

    final class Instance implements SubChain {
        final int number;
        final List<List<Message>> runs = new ArrayList<>();
        volatile boolean closed;

        Instance(int number) {
            this.number = number;
        }

        @Override
        public CompletionStage<List<Message>> process(ChainState parent, List<Message> requests) {
            List<Message> owned = List.copyOf(requests);
            runs.add(owned);
            return responder.apply(number, owned).whenComplete((responses, failure) -> owned.forEach(Message::release));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
