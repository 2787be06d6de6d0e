package dev.shotover.api;

/**
 * What a {@link TransformConfig} knows when its builder is made at startup.
 */
public interface BuildContext {

    /** {@return the chain the transform is part of} */
    String chainName();

    /** {@return the protocol of the messages the transform will receive from up-chain} */
    Protocol upChainProtocol();

    /** {@return the proxy's metrics registry, for transform-specific metrics} */
    Metrics metrics();

    /** {@return the name of this transform occurrence (the config's name, or its type name when none was given)} */
    String transformName();

    /** {@return the YAML type name of this transform, e.g. {@code ValkeySinkSingle}} */
    String transformTypeName();

    /**
     * Builds and validates a sub-chain receiving this transform's up-chain protocol. Problems in it are reported
     * with the topology's other errors, nested under this transform:
     * <pre>
     *   Tee:
     *     tee chain:
     *       Chain cannot be empty
     * </pre>
     * Call it from {@link TransformConfig#builder} only.
     *
     * @param name the sub-chain's name (Shotover's convention: the transform's name, or {@code <name>.mismatch},
     *             {@code <name>[i]} for several)
     * @param chain the sub-chain's transforms, in order
     * @return the factory that makes the sub-chain's instances, one per connection
     */
    default SubChainFactory subChain(String name, java.util.List<TransformConfig> chain) {
        throw new UnsupportedOperationException("sub-chains are built by the Shotover runtime");
    }
}
