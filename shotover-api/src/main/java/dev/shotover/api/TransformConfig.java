package dev.shotover.api;

/**
 * The configuration of one transform as read from a topology file (or built in code). Implementations are usually
 * records whose components are the YAML fields, e.g. {@code remote_address} binds to {@code remoteAddress}; see
 * {@link dev.shotover.api.config} for the binding rules. A {@link TransformFactory} tells the runtime which YAML
 * name maps to which config type.
 *
 * <p>Immutable; read once at startup.
 */
public interface TransformConfig {

    /**
     * {@return the user-given name of this transform occurrence, or null to use the type name} Names appear in logs,
     * errors and metrics, and must be unique in a topology.
     */
    String name();

    /**
     * Makes the shared builder. Called once at startup, off the event loops: blocking work (loading certificates,
     * resolving addresses) belongs here and never later.
     *
     * @param context the transform's place in the topology, its metrics and sub-chain factory
     * @return the builder that makes the transform's instance for each client connection
     * @throws Exception when the transform cannot be built; reported as a topology error naming the transform
     */
    TransformBuilder builder(BuildContext context) throws Exception;

    /** {@return which protocols this transform accepts from up-chain} */
    default UpChainProtocol upChainProtocol() {
        return UpChainProtocol.any();
    }

    /** {@return what this transform sends down-chain; {@link DownChainProtocol#terminating()} for sinks} */
    default DownChainProtocol downChainProtocol() {
        return DownChainProtocol.sameAsUpChain();
    }
}
