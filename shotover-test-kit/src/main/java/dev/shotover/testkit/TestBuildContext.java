package dev.shotover.testkit;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import java.util.Objects;

/**
 * A {@link BuildContext} for tests, with the values a transform would get at startup.
 *
 * @param chainName         the chain the transform is in ({@code "test"} by {@link #valkey(String)})
 * @param upChainProtocol   the protocol arriving from up-chain
 * @param metrics           where the transform's counters go; a {@link TestMetrics} lets the test read them
 * @param transformName     the occurrence name (the config's name, or the type name)
 * @param transformTypeName the YAML type name
 */
public record TestBuildContext(String chainName, Protocol upChainProtocol, Metrics metrics, String transformName,
                               String transformTypeName) implements BuildContext {

    /**
     * Rejects nulls: the runtime never passes any.
     *
     * @param chainName         the chain's name
     * @param upChainProtocol   the protocol arriving from up-chain
     * @param metrics           the metrics registry, e.g. a {@link TestMetrics}
     * @param transformName     the occurrence name
     * @param transformTypeName the YAML type name
     */
    public TestBuildContext {
        Objects.requireNonNull(chainName, "chainName");
        Objects.requireNonNull(upChainProtocol, "upChainProtocol");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(transformName, "transformName");
        Objects.requireNonNull(transformTypeName, "transformTypeName");
    }

    /**
     * {@return a context for a transform of type {@code typeName} in a Valkey chain named {@code "test"}, fresh
     * metrics}
     *
     * @param typeName the YAML type name, also used as the occurrence name
     */
    public static TestBuildContext valkey(String typeName) {
        return new TestBuildContext("test", Protocol.VALKEY, new TestMetrics(), typeName, typeName);
    }
}
