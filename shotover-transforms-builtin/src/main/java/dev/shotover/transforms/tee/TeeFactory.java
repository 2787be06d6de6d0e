package dev.shotover.transforms.tee;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link Tee} as {@code Tee}. */
@AutoService(TransformFactory.class)
public final class TeeFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "Tee";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return TeeConfig.class;
    }
}
