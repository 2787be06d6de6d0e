package dev.shotover.examples.getrewrite;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link ValkeyGetRewriteConfig} under the YAML name {@code ValkeyGetRewrite}. */
@AutoService(TransformFactory.class)
public final class ValkeyGetRewriteFactory implements TransformFactory {

    /** The YAML name. */
    public static final String TYPE_NAME = "ValkeyGetRewrite";

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeyGetRewriteConfig.class;
    }
}
