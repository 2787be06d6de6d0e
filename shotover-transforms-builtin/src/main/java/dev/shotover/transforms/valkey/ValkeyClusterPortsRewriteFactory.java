package dev.shotover.transforms.valkey;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/** Registers {@code ValkeyClusterPortsRewrite}, also accepted as {@code RedisClusterPortsRewrite}. */
@AutoService(TransformFactory.class)
public final class ValkeyClusterPortsRewriteFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "ValkeyClusterPortsRewrite";
    }

    @Override
    public List<String> aliases() {
        return List.of("RedisClusterPortsRewrite");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ValkeyClusterPortsRewriteConfig.class;
    }
}
