package dev.shotover.transforms.valkey.cluster;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/** Registers {@code ValkeySinkCluster} and its old name {@code RedisSinkCluster}. */
@AutoService(TransformFactory.class)
public final class ValkeySinkClusterFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "ValkeySinkCluster";
    }

    @Override
    public List<String> aliases() {
        return List.of("RedisSinkCluster");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeySinkClusterConfig.class;
    }
}
