package dev.shotover.transforms.debug;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;

/**
 * Builds {@link DebugReturner} instances. The transform holds only the configured immutable response, so every
 * connection shares one instance.
 *
 * <p>Thread-safe.
 */
public final class DebugReturnerBuilder implements TransformBuilder {
    private final DebugReturner instance;

    public DebugReturnerBuilder(DebugResponse response) {
        this.instance = new DebugReturner(response);
    }

    @Override
    public Transform build(TransformContext context) {
        return instance;
    }
}
