package dev.shotover.transforms.tee;

import org.slf4j.Logger;

/**
 * Logs the failures of one chain whose failure does not end the client connection (the tee chain while the
 * result source is the down-chain, the down-chain while it is the tee chain, the mismatch chain): one WARN when
 * the chain starts failing, DEBUG for each further failure, and one INFO when it answers again. A connection whose
 * tee backend is down therefore logs one warning, not one per request.
 *
 * <p><b>Threading.</b> Per connection, confined to its event loop.
 */
final class OutageLog {
    private final Logger log;
    private final String chainDescription;
    private final String consequence;
    private boolean failing;

    /**
     * @param chainDescription e.g. {@code Tee sub-chain "tee"}
     * @param consequence      what the failure means for the client, appended to the warning
     */
    OutageLog(Logger log, String chainDescription, String consequence) {
        this.log = log;
        this.chainDescription = chainDescription;
        this.consequence = consequence;
    }

    /** Records a failed run; {@code quiet} (the connection is closing) logs at DEBUG only. */
    void failed(Throwable cause, boolean quiet) {
        if (quiet || failing) {
            log.debug("{} failed: {}", chainDescription, Tee.describe(cause));
            return;
        }
        failing = true;
        log.warn("{} failed; {}. Further failures on this connection are logged at DEBUG until it answers again: {}",
                chainDescription, consequence, Tee.describe(cause));
    }

    /** Records a run that answered. */
    void answered() {
        if (failing) {
            failing = false;
            log.info("{} answers again", chainDescription);
        }
    }
}
