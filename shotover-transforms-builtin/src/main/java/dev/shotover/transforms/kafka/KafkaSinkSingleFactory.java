package dev.shotover.transforms.kafka;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@code KafkaSinkSingle}. */
@AutoService(TransformFactory.class)
public final class KafkaSinkSingleFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "KafkaSinkSingle";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return KafkaSinkSingleConfig.class;
    }
}
