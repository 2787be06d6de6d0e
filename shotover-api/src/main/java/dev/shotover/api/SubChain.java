package dev.shotover.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A per-connection instance of a sub-chain (a chain configured inside a transform, such as Tee's {@code chain:}).
 * Made by {@link SubChainFactory#build}; runs on the same event loop as the transform that owns it.
 *
 * <p><b>Ownership.</b> A sub-chain run owns the requests it is given, exactly like a chain run from a client: they
 * are released when the returned stage completes. To send the same requests down the main chain too, pass copies
 * ({@link Message#copyWithNewId()}, whose responses then carry the copies' ids). The caller owns the responses.
 */
public interface SubChain {

    /**
     * Runs the sub-chain once. The stage completes with one response per request (the {@link Transform} contract),
     * or exceptionally when one of its transforms fails; the sub-chain instance may be used again afterwards.
     *
     * @param parent   the run of the owning transform: its local address and flush flag are passed on
     * @param requests the batch to send through the sub-chain
     * @return the sub-chain's responses
     */
    CompletionStage<List<Message>> process(ChainState parent, List<Message> requests);

    /** Closes the sub-chain's transforms (their backend connections). Call from {@link Transform#close()}. */
    void close();
}
