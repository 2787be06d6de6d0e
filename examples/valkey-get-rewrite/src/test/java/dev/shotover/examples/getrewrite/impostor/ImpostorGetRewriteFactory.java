package dev.shotover.examples.getrewrite.impostor;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.examples.getrewrite.ValkeyGetRewriteConfig;

/**
 * A second factory claiming the name {@code ValkeyGetRewrite}, packaged by {@code ExternalJarDiscoveryIT} into a jar
 * of its own to provoke the startup error for duplicate names. Deliberately not annotated with {@code @AutoService}:
 * it must not be registered in the example's own jar.
 */
public final class ImpostorGetRewriteFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "ValkeyGetRewrite";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeyGetRewriteConfig.class;
    }
}
