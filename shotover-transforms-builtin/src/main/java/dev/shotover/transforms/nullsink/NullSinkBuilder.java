package dev.shotover.transforms.nullsink;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;

/**
 * Builds {@link NullSink} instances. The sink has no state at all, so every connection shares one instance.
 *
 * <p>Thread-safe.
 */
public final class NullSinkBuilder implements TransformBuilder {
    private static final NullSink INSTANCE = new NullSink();

    @Override
    public Transform build(TransformContext context) {
        return INSTANCE;
    }
}
