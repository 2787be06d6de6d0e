package dev.shotover.runtime.chain;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** A validated sub-chain: {@link ChainDefinition} behind the API's {@link SubChainFactory}. Thread-safe. */
final class SubChainDefinition implements SubChainFactory {
    private final ChainDefinition chain;

    SubChainDefinition(ChainDefinition chain) {
        this.chain = chain;
    }

    @Override
    public String name() {
        return chain.name();
    }

    @Override
    public SubChain build(TransformContext context) {
        SocketAddress client = context.clientAddress();
        String clientDetails = client instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(client);
        return new Instance(chain.instantiate(context, clientDetails));
    }

    @Override
    public void close() {
        chain.close();
    }

    /** One connection's instance; confined to that connection's event loop. */
    private static final class Instance implements SubChain {
        private final TransformChain transforms;

        Instance(TransformChain transforms) {
            this.transforms = transforms;
        }

        @Override
        public CompletionStage<List<Message>> process(ChainState parent, List<Message> requests) {
            List<Message> owned = List.copyOf(requests);
            CompletionStage<List<Message>> stage = transforms.run(
                    transforms.newRun(new ArrayList<>(owned), parent.localAddress(), parent.flush()));
            // the run owns its requests, as a run from a client does: release them once it is over
            return stage.whenComplete((responses, failure) -> {
                for (Message request : owned) {
                    request.release();
                }
            });
        }

        @Override
        public void close() {
            transforms.close();
        }
    }
}
