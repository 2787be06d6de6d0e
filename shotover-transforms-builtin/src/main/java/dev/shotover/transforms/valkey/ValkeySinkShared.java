package dev.shotover.transforms.valkey;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.sink.ResponseBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The per-client-connection instance of {@code ValkeySinkShared}: sends the client's requests over a backend
 * connection it shares with the other client connections of its event loop ({@link ValkeySinkSharedConnection}), and
 * answers the commands that cannot be shared itself ({@link ValkeySinkSharedCommands}).
 *
 * <p>All requests of one client go over the same backend connection, so Valkey executes them in the client's order,
 * pipelined or not; the responses of one run complete its {@link ResponseBatch} in request order, the local answers
 * in their places. The stage never fails: backend failures become error replies and the client stays connected.
 *
 * <p>Confined to the client connection's event loop. Requests stay owned by the chain run (the shared connection
 * writes its own copies); replies are handed up with their ownership.
 */
final class ValkeySinkShared implements Transform {
    private final RuntimeContext context;
    private final ValkeySinkSharedConnection connection;
    private final Metrics.Counter failedRequests;
    private final ValkeySinkSharedCommands.Session session = new ValkeySinkSharedCommands.Session();

    ValkeySinkShared(RuntimeContext context, ValkeySinkSharedConnection connection, Metrics.Counter failedRequests) {
        this.context = context;
        this.connection = connection;
        this.failedRequests = failedRequests;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (requests.isEmpty()) {
            // nothing is ever held back, and the shared connection carries no pushes
            return CompletableFuture.completedFuture(List.of());
        }
        ResponseBatch batch = new ResponseBatch(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            if (session.quit) {
                answer(batch, i, request, ValkeySinkSharedCommands.afterQuit());
                continue;
            }
            int command = ValkeySinkSharedCommands.lookup(request);
            if (command != ValkeySinkSharedCommands.FORWARD) {
                ValkeyFrame answer = ValkeySinkSharedCommands.answer(command, request, session);
                if (answer != null) {
                    answer(batch, i, request, answer);
                    if (session.quit) {
                        state.setCloseClientConnection(true);
                    }
                    continue;
                }
            }
            connection.send(context, request, batch, i);
        }
        return batch.done();
    }

    private void answer(ResponseBatch batch, int index, Message request, ValkeyFrame answer) {
        if (answer instanceof ValkeyFrame.Error) {
            failedRequests.increment();
        }
        batch.put(index, Message.responseTo(request, answer));
    }

    /**
     * Nothing to release: requests this client still has outstanding stay in the shared connection's FIFO (taking
     * them out would pair later replies with the wrong requests), and their replies complete the chain run, which
     * the runtime releases unread since the client has gone.
     */
    @Override
    public void close() {
    }
}
