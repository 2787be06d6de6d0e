package dev.shotover.api;

import java.util.List;

/**
 * Registers a transform type under its YAML name. The runtime finds factories with {@link java.util.ServiceLoader};
 * annotate the implementation with {@code @AutoService(TransformFactory.class)} (or list it in
 * {@code META-INF/services/dev.shotover.api.TransformFactory}).
 *
 * <p>Must have a public no-argument constructor; stateless.
 */
public interface TransformFactory {

    /**
     * {@return the YAML name, e.g. {@code ValkeySinkSingle}; also the {@code transform} label of the transform's
     * metrics}
     */
    String typeName();

    /** {@return historic names accepted in topology files, e.g. {@code RedisSinkSingle}} */
    default List<String> aliases() {
        return List.of();
    }

    /** {@return the type the YAML body binds to} */
    Class<? extends TransformConfig> configType();
}
