package dev.shotover.transforms.valkey;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/** Registers {@code ValkeySinkShared}. */
@AutoService(TransformFactory.class)
public final class ValkeySinkSharedFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "ValkeySinkShared";
    }

    @Override
    public List<String> aliases() {
        return List.of("RedisSinkShared");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeySinkSharedConfig.class;
    }
}
