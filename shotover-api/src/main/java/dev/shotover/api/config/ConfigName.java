package dev.shotover.api.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The YAML name of a record component, or of a sealed-interface variant, when it is not the derived one. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface ConfigName {
    /** {@return the YAML name} */
    String value();
}
