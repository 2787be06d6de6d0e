package dev.shotover.transforms.debug;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link DebugPrinter} as {@code DebugPrinter}. */
@AutoService(TransformFactory.class)
public final class DebugPrinterFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "DebugPrinter";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return DebugPrinterConfig.class;
    }
}
