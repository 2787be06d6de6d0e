package dev.shotover.runtime.config;

import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Flatten;
import dev.shotover.api.config.Required;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the binder needs to know about a config record: its components' YAML names, which are required, which are
 * flattened sealed interfaces, and its canonical constructor. Built once per record type and cached by the binder.
 */
final class RecordShape {

    /**
     * One record component.
     *
     * @param index position in the canonical constructor
     * @param yamlName the name written in YAML
     * @param type the generic type to bind the value to
     * @param required whether absence is an error (primitives and {@link Required} components)
     * @param variants for a {@link Flatten} component, its variants (whose names are keys of the enclosing map);
     *     null otherwise
     */
    record Field(int index, String yamlName, Type type, Class<?> rawType, boolean required, VariantSet variants) {

        boolean flattened() {
            return variants != null;
        }
    }

    private final Class<?> type;
    private final List<Field> fields;
    /** Non-flattened fields by YAML name and alias. */
    private final Map<String, Field> byName;
    private final List<Field> flattened;
    private final Constructor<?> constructor;

    private RecordShape(Class<?> type, List<Field> fields, Map<String, Field> byName, Constructor<?> constructor) {
        this.type = type;
        this.fields = fields;
        this.byName = byName;
        this.flattened = fields.stream().filter(Field::flattened).toList();
        this.constructor = constructor;
    }

    /** @throws IllegalArgumentException if {@code type} cannot be bound (not a record, clashing names, ...) */
    static RecordShape of(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        RecordComponent[] components = type.getRecordComponents();
        List<Field> fields = new ArrayList<>(components.length);
        Map<String, Field> byName = new LinkedHashMap<>();
        Map<String, String> flattenedVariantOwners = new LinkedHashMap<>();
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            parameterTypes[i] = component.getType();
            ConfigName configName = component.getAnnotation(ConfigName.class);
            String yamlName = configName != null ? configName.value() : ConfigNames.snakeCase(component.getName());
            boolean required = component.getType().isPrimitive() || component.isAnnotationPresent(Required.class);
            VariantSet variants = null;
            if (component.isAnnotationPresent(Flatten.class)) {
                try {
                    variants = VariantSet.of(component.getType());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("@Flatten component '" + component.getName() + "': "
                            + e.getMessage(), e);
                }
            }
            Field field = new Field(i, yamlName, component.getGenericType(), component.getType(), required, variants);
            fields.add(field);
            if (field.flattened()) {
                for (String variantName : variants.names()) {
                    flattenedVariantOwners.put(variantName, component.getName());
                }
                continue;
            }
            claim(byName, yamlName, field, type);
            ConfigAliases aliases = component.getAnnotation(ConfigAliases.class);
            if (aliases != null) {
                for (String alias : aliases.value()) {
                    claim(byName, alias, field, type);
                }
            }
        }
        for (String variantName : flattenedVariantOwners.keySet()) {
            if (byName.containsKey(variantName)) {
                throw new IllegalArgumentException("in " + type.getName() + " the key '" + variantName
                        + "' is both a field and a variant of @Flatten component '"
                        + flattenedVariantOwners.get(variantName) + "'");
            }
        }
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use the canonical constructor of " + type.getName() + ": " + e,
                    e);
        }
        return new RecordShape(type, List.copyOf(fields), Collections.unmodifiableMap(byName), constructor);
    }

    private static void claim(Map<String, Field> byName, String name, Field field, Class<?> type) {
        Field previous = byName.putIfAbsent(name, field);
        if (previous != null && previous != field) {
            throw new IllegalArgumentException("two components of " + type.getName() + " are named '" + name + "'");
        }
    }

    Class<?> type() {
        return type;
    }

    List<Field> fields() {
        return fields;
    }

    /** A non-flattened field by YAML name or alias; null if none. */
    Field field(String name) {
        return byName.get(name);
    }

    /** The flattened field that has a variant called {@code name} (or aliased so); null if none. */
    Field flattenedFieldWithVariant(String name) {
        for (Field field : flattened) {
            if (field.variants().lookup(name) != null) {
                return field;
            }
        }
        return null;
    }

    List<Field> flattenedFields() {
        return flattened;
    }

    /** What may be written in this record's map: field names, then flattened variant names, without aliases. */
    List<String> expectedKeys() {
        List<String> keys = new ArrayList<>();
        for (Field field : fields) {
            if (field.flattened()) {
                keys.addAll(field.variants().names());
            } else {
                keys.add(field.yamlName());
            }
        }
        return keys;
    }

    Constructor<?> constructor() {
        return constructor;
    }

    /** The value a missing component gets: null, or the primitive's zero (only used when a problem was reported). */
    Object absentValue(Field field) {
        Class<?> raw = field.rawType();
        if (!raw.isPrimitive()) {
            return null;
        }
        if (raw == boolean.class) {
            return false;
        }
        if (raw == char.class) {
            return '\0';
        }
        if (raw == long.class) {
            return 0L;
        }
        if (raw == double.class) {
            return 0.0d;
        }
        if (raw == float.class) {
            return 0.0f;
        }
        if (raw == short.class) {
            return (short) 0;
        }
        if (raw == byte.class) {
            return (byte) 0;
        }
        return 0;
    }
}
