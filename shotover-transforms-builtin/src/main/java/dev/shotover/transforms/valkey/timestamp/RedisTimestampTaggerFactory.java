package dev.shotover.transforms.valkey.timestamp;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/**
 * Registers {@link RedisTimestampTagger} as {@code RedisTimestampTagger} (Shotover's name), also accepted as
 * {@code ValkeyTimestampTagger}.
 */
@AutoService(TransformFactory.class)
public final class RedisTimestampTaggerFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "RedisTimestampTagger";
    }

    @Override
    public List<String> aliases() {
        return List.of("ValkeyTimestampTagger");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return RedisTimestampTaggerConfig.class;
    }
}
