package dev.shotover.transforms.counter;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link QueryCounter} as {@code QueryCounter}. */
@AutoService(TransformFactory.class)
public final class QueryCounterFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "QueryCounter";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return QueryCounterConfig.class;
    }
}
