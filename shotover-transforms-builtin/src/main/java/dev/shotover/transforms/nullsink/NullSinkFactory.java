package dev.shotover.transforms.nullsink;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.List;

/** Registers {@link NullSink} as {@code NullSink}, and under its historic name {@code Null}. */
@AutoService(TransformFactory.class)
public final class NullSinkFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "NullSink";
    }

    @Override
    public List<String> aliases() {
        return List.of("Null");
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return NullSinkConfig.class;
    }
}
