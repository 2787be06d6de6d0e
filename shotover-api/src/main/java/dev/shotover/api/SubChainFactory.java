package dev.shotover.api;

/**
 * A validated sub-chain, made once at startup by {@link BuildContext#subChain}. Thread-safe; shared by every
 * connection of the owning transform.
 */
public interface SubChainFactory {

    /** {@return the sub-chain's name: its chain name in logs, errors and metrics} */
    String name();

    /**
     * {@return a new instance for one connection; call it from {@link TransformBuilder#build} on that connection's
     * loop}
     *
     * @param context the owning transform's context for that connection
     */
    SubChain build(TransformContext context);

    /** Releases shared resources of the sub-chain's transforms. Call from {@link TransformBuilder#close()}. */
    void close();
}
