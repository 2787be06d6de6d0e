package dev.shotover.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The per-connection instance of a transform. {@link TransformBuilder#build} makes one for every client connection
 * (and for every sub-chain instance), so fields of a transform are per-connection state.
 *
 * <p><b>The contract of {@link #transform}:</b>
 * <ul>
 *   <li>The returned stage completes with exactly one response for every request of {@code state.requests()} as
 *       they were when the transform returned or called down-chain, each carrying its request's id in
 *       {@link Message#requestId()}. For in-order protocols ({@link Protocol#isInOrder()}) the responses are in
 *       request order. Responses with no request id (pub/sub pushes, server events) may be added.</li>
 *   <li>A non-terminating transform calls {@link ChainState#callNextTransform()} exactly once per invocation, also
 *       for empty batches, so that flushes and forced runs reach the sinks.</li>
 *   <li>A transform that removes a request answers it itself ({@link Message#errorResponse},
 *       {@link Message#responseTo}); one that adds a request removes that request's response before returning.</li>
 *   <li>Invocations may overlap: a new batch can arrive before the stage of the previous one completed (requests are
 *       pipelined). They all run on the same event loop, so no locking is needed, but state must allow it.</li>
 *   <li>A stage that completes exceptionally ends the connection: every pending request gets a protocol-native
 *       error naming the chain and the transform, then the client connection is closed. The instance is not called
 *       again.</li>
 * </ul>
 *
 * <p><b>Threading.</b> Every method is called on the client connection's event loop. Never block in it: wait for
 * I/O by returning an incomplete stage. Complete stages on that same event loop
 * ({@link TransformContext#eventLoop()}).
 */
public interface Transform {

    /**
     * Processes one run of the chain. See the class documentation for the contract.
     *
     * @param state the run: its requests and the way to call the rest of the chain
     * @return the responses, completed on the connection's event loop; a failed stage fails the run
     */
    CompletionStage<List<Message>> transform(ChainState state);

    /**
     * Called once, on the event loop, after the client connection has closed and the final flush run has finished.
     * Release per-connection resources here (sink connections, timers).
     */
    default void close() {
    }
}
