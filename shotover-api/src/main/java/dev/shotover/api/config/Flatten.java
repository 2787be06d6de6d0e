package dev.shotover.api.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A sealed-interface component whose variant key sits in the enclosing map rather than under the component's own
 * name (serde's {@code #[serde(flatten)]}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Flatten {
}
