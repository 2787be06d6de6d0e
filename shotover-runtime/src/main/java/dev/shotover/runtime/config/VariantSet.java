package dev.shotover.runtime.config;

import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variants of a sealed interface, as serde's externally tagged enums: each permitted record is a variant named
 * by {@link ConfigName} (default: its simple class name), also accepted under its {@link ConfigAliases}.
 */
final class VariantSet {

    /** One permitted record. */
    record Variant(String name, Class<?> type) {
    }

    private final Class<?> sealedType;
    private final List<Variant> variants;
    private final Map<String, Variant> byName;

    private VariantSet(Class<?> sealedType, List<Variant> variants, Map<String, Variant> byName) {
        this.sealedType = sealedType;
        this.variants = variants;
        this.byName = byName;
    }

    /** @throws IllegalArgumentException if {@code type} is not a sealed interface of records, or names clash */
    static VariantSet of(Class<?> type) {
        if (!type.isInterface() || !type.isSealed()) {
            throw new IllegalArgumentException(type.getName() + " is not a sealed interface");
        }
        List<Variant> variants = new ArrayList<>();
        Map<String, Variant> byName = new LinkedHashMap<>();
        for (Class<?> permitted : type.getPermittedSubclasses()) {
            if (!permitted.isRecord()) {
                throw new IllegalArgumentException("variant " + permitted.getName() + " of " + type.getName()
                        + " is not a record");
            }
            ConfigName configName = permitted.getAnnotation(ConfigName.class);
            Variant variant = new Variant(configName != null ? configName.value() : permitted.getSimpleName(),
                    permitted);
            variants.add(variant);
            claim(byName, variant.name(), variant, type);
            ConfigAliases aliases = permitted.getAnnotation(ConfigAliases.class);
            if (aliases != null) {
                for (String alias : aliases.value()) {
                    claim(byName, alias, variant, type);
                }
            }
        }
        return new VariantSet(type, List.copyOf(variants), Collections.unmodifiableMap(byName));
    }

    private static void claim(Map<String, Variant> byName, String name, Variant variant, Class<?> type) {
        Variant previous = byName.putIfAbsent(name, variant);
        if (previous != null && previous != variant) {
            throw new IllegalArgumentException("variants " + previous.type().getName() + " and "
                    + variant.type().getName() + " of " + type.getName() + " are both named '" + name + "'");
        }
    }

    Class<?> sealedType() {
        return sealedType;
    }

    /** By name or alias, case-sensitive like serde; null when unknown. */
    Variant lookup(String name) {
        return byName.get(name);
    }

    /** The canonical names, in declaration order of {@code permits}. */
    List<String> names() {
        return variants.stream().map(Variant::name).toList();
    }
}
