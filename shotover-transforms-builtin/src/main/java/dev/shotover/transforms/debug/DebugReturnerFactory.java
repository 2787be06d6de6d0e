package dev.shotover.transforms.debug;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link DebugReturner} as {@code DebugReturner}. */
@AutoService(TransformFactory.class)
public final class DebugReturnerFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "DebugReturner";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return DebugReturnerConfig.class;
    }
}
