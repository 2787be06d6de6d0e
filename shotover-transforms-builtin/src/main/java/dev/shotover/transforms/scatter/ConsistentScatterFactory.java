package dev.shotover.transforms.scatter;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link ConsistentScatter} as {@code ConsistentScatter}. */
@AutoService(TransformFactory.class)
public final class ConsistentScatterFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "ConsistentScatter";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ConsistentScatterConfig.class;
    }
}
