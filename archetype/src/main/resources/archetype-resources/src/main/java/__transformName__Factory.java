package ${package};

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/**
 * Tells the proxy that {@code ${transformName}} in a topology file means {@link ${transformName}Config}. The proxy
 * finds factories with {@link java.util.ServiceLoader}; {@code @AutoService} writes the
 * {@code META-INF/services/dev.shotover.api.TransformFactory} entry at compile time.
 */
@AutoService(TransformFactory.class)
public final class ${transformName}Factory implements TransformFactory {

    /** The name used in topology files, and the {@code transform} label of the transform's metrics. */
    public static final String TYPE_NAME = "${transformName}";

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return ${transformName}Config.class;
    }
}
