package dev.shotover.api;

/**
 * What a {@link TransformConfig} knows when its builder is made at startup.
 */
public interface BuildContext {

    /** The chain the transform is part of. */
    String chainName();

    /** The protocol of the messages the transform will receive from up-chain. */
    Protocol upChainProtocol();

    /** The proxy's metrics registry, for transform-specific metrics. */
    Metrics metrics();

    /** The name of this transform occurrence (the config's name, or its type name when none was given). */
    String transformName();

    /** The YAML type name of this transform, e.g. {@code ValkeySinkSingle}. */
    String transformTypeName();
}
