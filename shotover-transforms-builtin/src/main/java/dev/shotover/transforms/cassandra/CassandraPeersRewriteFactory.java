package dev.shotover.transforms.cassandra;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@code CassandraPeersRewrite}. */
@AutoService(TransformFactory.class)
public final class CassandraPeersRewriteFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "CassandraPeersRewrite";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return CassandraPeersRewriteConfig.class;
    }
}
