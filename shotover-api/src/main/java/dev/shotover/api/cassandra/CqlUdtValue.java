package dev.shotover.api.cassandra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A value of a user-defined type: its fields by name, in the type's field order, each a Java value as
 * {@link CqlValues} maps the field's type (or null).
 *
 * <p>A value read from Cassandra may carry fewer fields than its type declares (fields added to the type after the
 * value was written); the missing trailing fields are simply absent here, and {@link CqlValues#encode} writes back
 * only up to the last field present.
 *
 * <p>Immutable (the map is an unmodifiable copy; it may hold null values); safe from any thread.
 *
 * @param fields the field values by field name, in field order
 */
public record CqlUdtValue(Map<String, Object> fields) {

    /**
     * Copies the fields.
     *
     * @param fields the field values by field name, in field order
     */
    public CqlUdtValue {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * {@return the value of a field, or null if it is null or absent}
     *
     * @param field the field name
     */
    public Object get(String field) {
        return fields.get(field);
    }
}
