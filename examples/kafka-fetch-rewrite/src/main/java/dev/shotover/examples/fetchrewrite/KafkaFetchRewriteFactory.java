package dev.shotover.examples.fetchrewrite;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link KafkaFetchRewriteConfig} under the YAML name {@code KafkaFetchRewrite}. */
@AutoService(TransformFactory.class)
public final class KafkaFetchRewriteFactory implements TransformFactory {

    /** The YAML name. */
    public static final String TYPE_NAME = "KafkaFetchRewrite";

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return KafkaFetchRewriteConfig.class;
    }
}
