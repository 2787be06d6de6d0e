package dev.shotover.api;

import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * One run of a chain: the batch of requests on its way down, and the way to call the rest of the chain.
 *
 * <p>A transform reads and edits {@link #requests()} (replace, remove or add messages), calls
 * {@link #callNextTransform()} once, and returns the responses it gets back, possibly changed. Requests that arrived
 * together from the client form one batch; a run may also carry an empty batch, either to flush buffered work
 * ({@link #flush()}: the client connection is closing or the proxy is shutting down) or because a transform asked
 * for a run to deliver responses that arrived on their own ({@link TransformContext#forceRunChain()}).
 *
 * <p><b>Threading.</b> Created and used on the client connection's event loop; not thread-safe.
 */
public final class ChainState {
    private final String chainName;
    private final SocketAddress localAddress;
    private final boolean flush;
    private final DownChain downChain;
    private List<Message> requests;
    private boolean closeClientConnection;
    private int nextIndex;

    /**
     * Creates a run. The runtime builds these; tests of a single transform build one whose {@code downChain} stands
     * in for the rest of the chain.
     *
     * @param chainName    the name of the chain (for logs and errors)
     * @param localAddress the proxy's listening address the client connected to, or null when unknown
     * @param requests     the batch of requests, possibly empty
     * @param flush        whether buffered requests must be sent now (see {@link #flush()})
     * @param downChain    the rest of the chain
     */
    public ChainState(String chainName, SocketAddress localAddress, List<Message> requests, boolean flush,
                      DownChain downChain) {
        this.chainName = Objects.requireNonNull(chainName);
        this.localAddress = localAddress;
        this.requests = Objects.requireNonNull(requests);
        this.flush = flush;
        this.downChain = Objects.requireNonNull(downChain);
    }

    /** {@return the batch of requests} Mutable unless the transform replaced it with an immutable list. */
    public List<Message> requests() {
        return requests;
    }

    /**
     * Replaces the batch of requests that the next transform will receive.
     *
     * @param requests the new batch
     */
    public void setRequests(List<Message> requests) {
        this.requests = Objects.requireNonNull(requests);
    }

    /** {@return the proxy's listening address the client connected to} */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /**
     * {@return true when buffered requests must be sent now: the connection is closing or the proxy is shutting down}
     */
    public boolean flush() {
        return flush;
    }

    /** {@return the name of the chain this run belongs to (for logs and errors)} */
    public String chainName() {
        return chainName;
    }

    /** {@return whether a transform asked to close the client connection once the responses of this run are written} */
    public boolean closeClientConnection() {
        return closeClientConnection;
    }

    /**
     * Asks the runtime to close the client connection after this run's responses are written.
     *
     * @param close true to close the connection
     */
    public void setCloseClientConnection(boolean close) {
        this.closeClientConnection = close;
    }

    /**
     * Sends the current {@link #requests()} to the next transform and returns its responses. Call it at most once per
     * {@link Transform#transform} invocation; terminating transforms never call it.
     *
     * @return the responses of the rest of the chain, paired with the requests by {@link Message#requestId()}
     */
    public CompletionStage<java.util.List<Message>> callNextTransform() {
        return downChain.call(nextIndex++, this);
    }

    /**
     * The rest of a chain, as seen from one transform. The runtime's implementation runs the transform at
     * {@code index}, records its metrics and names it in errors.
     */
    @FunctionalInterface
    public interface DownChain {
        /**
         * Runs the transform at {@code index} with {@code state}.
         *
         * @param index how many times {@code state} called down-chain before (0 for the transform after the caller)
         * @param state the run
         * @return the responses of that transform
         */
        CompletionStage<List<Message>> call(int index, ChainState state);
    }
}
