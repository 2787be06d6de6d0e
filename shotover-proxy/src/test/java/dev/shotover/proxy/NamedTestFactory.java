package dev.shotover.proxy;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/**
 * The factory of a test-only transform, registered with {@code ShotoverProxy.builder().registerTransform(...)}. The
 * registry keeps one factory per class, so each test transform has its own subclass.
 */
public abstract class NamedTestFactory implements TransformFactory {
    private final String typeName;
    private final Class<? extends TransformConfig> configType;

    protected NamedTestFactory(String typeName, Class<? extends TransformConfig> configType) {
        this.typeName = typeName;
        this.configType = configType;
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return configType;
    }
}
