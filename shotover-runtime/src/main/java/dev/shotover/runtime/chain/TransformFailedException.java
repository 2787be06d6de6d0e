package dev.shotover.runtime.chain;

/**
 * A transform's stage failed. Each transform a failure passes through on its way up adds one of these, so the cause
 * chain reads like Shotover's error report: which transform failed in which chain, then why.
 */
public final class TransformFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransformFailedException(String typeName, String name, String chainName, Throwable cause) {
        super("Transform " + typeName + " named " + name + " failed in chain " + chainName, cause, false, false);
    }
}
