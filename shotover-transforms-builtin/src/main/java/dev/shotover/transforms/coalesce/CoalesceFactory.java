package dev.shotover.transforms.coalesce;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link Coalesce} as {@code Coalesce}. */
@AutoService(TransformFactory.class)
public final class CoalesceFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "Coalesce";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return CoalesceConfig.class;
    }
}
