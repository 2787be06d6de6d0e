package dev.shotover.transforms.scatter;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One route's {@link SubChainFactory} whose instances answer with a test-supplied function of the requests. Every
 * built instance and every run is recorded. Like the runtime's sub-chains, a run releases the requests it was
 * given once it completes.
 */
final class FakeRoutes implements SubChainFactory {
    private final String name;
    private Function<List<Message>, CompletionStage<List<Message>>> responder;
    final List<Instance> built = new ArrayList<>();
    boolean factoryClosed;

    FakeRoutes(String name, Function<List<Message>, CompletionStage<List<Message>>> responder) {
        this.name = name;
        this.responder = responder;
    }

    /** Changes how later runs answer. */
    void answerWith(Function<List<Message>, CompletionStage<List<Message>>> responder) {
        this.responder = responder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SubChain build(TransformContext context) {
        Instance instance = new Instance();
        built.add(instance);
        return instance;
    }

    @Override
    public void close() {
        factoryClosed = true;
    }

    /** Every run of every instance, in order. */
    List<List<Message>> runs() {
        List<List<Message>> runs = new ArrayList<>();
        built.forEach(instance -> runs.addAll(instance.runs));
        return runs;
    }

    final class Instance implements SubChain {
        final List<List<Message>> runs = new ArrayList<>();
        final List<Boolean> flushes = new ArrayList<>();
        boolean closed;

        @Override
        public CompletionStage<List<Message>> process(ChainState parent, List<Message> requests) {
            List<Message> owned = List.copyOf(requests);
            runs.add(owned);
            flushes.add(parent.flush());
            CompletionStage<List<Message>> stage;
            try {
                stage = responder.apply(owned);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            return stage.whenComplete((responses, failure) -> owned.forEach(Message::release));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
