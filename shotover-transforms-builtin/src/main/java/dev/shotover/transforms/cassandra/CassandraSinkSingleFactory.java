package dev.shotover.transforms.cassandra;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@code CassandraSinkSingle}. */
@AutoService(TransformFactory.class)
public final class CassandraSinkSingleFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "CassandraSinkSingle";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return CassandraSinkSingleConfig.class;
    }
}
