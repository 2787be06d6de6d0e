package dev.shotover.transforms.nullsink;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;

/**
 * Configuration of {@link NullSink}: only the optional occurrence {@code name}, so the bare string
 * {@code - NullSink} (or the historic {@code - Null}) is a complete configuration.
 *
 * @param name the occurrence name, or null to use the type name
 */
public record NullSinkConfig(String name) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new NullSinkBuilder();
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
