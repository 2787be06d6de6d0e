package dev.shotover.transforms.testing;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Stands in for the rest of a chain. By default an echo sink: every request is answered with a bulk string
 * {@code echo:<command words joined by space>}, with its request id, in request order. Records every batch it was
 * called with.
 */
public final class FakeDownChain implements ChainState.DownChain {
    private final Function<List<Message>, List<Message>> responder;
    private final List<List<Message>> calls = new ArrayList<>();

    public FakeDownChain(Function<List<Message>, List<Message>> responder) {
        this.responder = responder;
    }

    public static FakeDownChain echo() {
        return new FakeDownChain(FakeDownChain::echoAll);
    }

    public static List<Message> echoAll(List<Message> requests) {
        List<Message> responses = new ArrayList<>();
        for (Message request : requests) {
            responses.add(Message.responseTo(request, ValkeyFrame.bulk("echo:" + words(request))));
        }
        return responses;
    }

    public static String words(Message request) {
        ValkeyFrame.Array array = (ValkeyFrame.Array) request.frame(ValkeyFrame.class);
        StringBuilder sb = new StringBuilder();
        for (ValkeyFrame element : array.elements()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(((ValkeyFrame.BulkString) element).asString());
        }
        return sb.toString();
    }

    @Override
    public CompletionStage<List<Message>> call(int index, ChainState state) {
        calls.add(List.copyOf(state.requests()));
        return CompletableFuture.completedFuture(responder.apply(state.requests()));
    }

    /** The batches the chain was called with, one per call. */
    public List<List<Message>> calls() {
        return calls;
    }

    /** A run of the chain whose rest is this fake. */
    public ChainState state(List<Message> requests) {
        return new ChainState("test-chain", null, requests, false, this);
    }
}
