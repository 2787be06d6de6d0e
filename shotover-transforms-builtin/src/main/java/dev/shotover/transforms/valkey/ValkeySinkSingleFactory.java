package dev.shotover.transforms.valkey;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/** Registers {@code ValkeySinkSingle}. */
@AutoService(TransformFactory.class)
public final class ValkeySinkSingleFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "ValkeySinkSingle";
    }

    @Override
    public List<String> aliases() {
        return List.of("RedisSinkSingle");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeySinkSingleConfig.class;
    }
}
