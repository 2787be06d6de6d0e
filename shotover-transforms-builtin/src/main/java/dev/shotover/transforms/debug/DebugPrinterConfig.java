package dev.shotover.transforms.debug;

import dev.shotover.api.BuildContext;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;

/**
 * Configuration of {@link DebugPrinter}: only the optional occurrence {@code name}, so {@code - DebugPrinter} is
 * a complete configuration.
 *
 * @param name the occurrence name, or null to use the type name
 */
public record DebugPrinterConfig(String name) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new DebugPrinterBuilder();
    }
}
