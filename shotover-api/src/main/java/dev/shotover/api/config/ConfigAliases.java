package dev.shotover.api.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Other YAML names accepted for a component or variant, e.g. a field's name in older Shotover releases. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface ConfigAliases {
    /** {@return the other accepted names} */
    String[] value();
}
