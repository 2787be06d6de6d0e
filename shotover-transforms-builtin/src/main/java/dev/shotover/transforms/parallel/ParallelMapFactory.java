package dev.shotover.transforms.parallel;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link ParallelMap} as {@code ParallelMap}. */
@AutoService(TransformFactory.class)
public final class ParallelMapFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "ParallelMap";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ParallelMapConfig.class;
    }
}
