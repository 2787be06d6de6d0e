package dev.shotover.transforms.throttling;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@code RequestThrottling}. */
@AutoService(TransformFactory.class)
public final class RequestThrottlingFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "RequestThrottling";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return RequestThrottlingConfig.class;
    }
}
