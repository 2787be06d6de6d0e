package dev.shotover.transforms.debug;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;

/**
 * Builds {@link DebugPrinter} instances; they are stateless, so every connection shares one.
 *
 * <p>Thread-safe.
 */
public final class DebugPrinterBuilder implements TransformBuilder {
    private static final DebugPrinter INSTANCE = new DebugPrinter();

    @Override
    public Transform build(TransformContext context) {
        return INSTANCE;
    }
}
