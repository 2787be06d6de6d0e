package dev.shotover.runtime.config;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The transform types a topology may name: YAML type name (or historic alias) → {@link TransformFactory}.
 *
 * <p>{@link #discover(ClassLoader)} finds the factories on the class path with {@link ServiceLoader};
 * {@link #with(TransformFactory...)} adds factories registered in code (embedding, tests). Two different factories
 * claiming the same name is a packaging mistake and fails fast with {@link IllegalStateException}; registering the
 * same factory class twice is harmless and ignored.
 *
 * <p>Immutable and thread-safe; no static state, so several proxies in one JVM may use different registries.
 */
public final class TransformRegistry {

    private final List<TransformFactory> factories;
    /** Type names and aliases. */
    private final Map<String, TransformFactory> byName;
    private final Map<Class<? extends TransformConfig>, String> typeNames;

    private TransformRegistry(List<TransformFactory> factories) {
        Map<String, TransformFactory> names = new LinkedHashMap<>();
        Map<Class<? extends TransformConfig>, String> types = new LinkedHashMap<>();
        List<TransformFactory> kept = new ArrayList<>();
        for (TransformFactory factory : factories) {
            if (kept.stream().anyMatch(existing -> existing.getClass() == factory.getClass())) {
                continue;
            }
            String typeName = checkedTypeName(factory);
            Class<? extends TransformConfig> configType = factory.configType();
            if (configType == null) {
                throw new IllegalStateException(factory.getClass().getName() + ".configType() returned null");
            }
            claim(names, typeName, factory);
            List<String> aliases = factory.aliases() == null ? List.of() : factory.aliases();
            for (String alias : aliases) {
                if (alias != null && !alias.isBlank() && !alias.equals(typeName)) {
                    claim(names, alias, factory);
                }
            }
            types.putIfAbsent(configType, typeName);
            kept.add(factory);
        }
        this.factories = List.copyOf(kept);
        this.byName = Collections.unmodifiableMap(names);
        this.typeNames = Collections.unmodifiableMap(types);
    }

    /** A registry that knows no transforms. */
    public static TransformRegistry empty() {
        return new TransformRegistry(List.of());
    }

    /** A registry of exactly the given factories. */
    public static TransformRegistry of(TransformFactory... factories) {
        return new TransformRegistry(Arrays.asList(factories));
    }

    /**
     * Every {@link TransformFactory} that {@link ServiceLoader} finds through {@code loader}.
     *
     * @throws IllegalStateException if two factories claim the same name
     * @throws java.util.ServiceConfigurationError if a listed provider cannot be loaded or instantiated
     */
    public static TransformRegistry discover(ClassLoader loader) {
        List<TransformFactory> found = new ArrayList<>();
        ServiceLoader.load(TransformFactory.class, loader).forEach(found::add);
        return new TransformRegistry(found);
    }

    /**
     * A new registry with this one's factories plus {@code extra}; this registry is unchanged.
     *
     * @throws IllegalStateException if an extra factory claims a name already taken by another factory class
     */
    public TransformRegistry with(TransformFactory... extra) {
        List<TransformFactory> all = new ArrayList<>(factories);
        all.addAll(Arrays.asList(extra));
        return new TransformRegistry(all);
    }

    /** The factory registered under {@code name}, a type name or an alias; case-sensitive, like Shotover. */
    public Optional<TransformFactory> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The YAML type name of a config type, e.g. {@code ValkeySinkSingle}: the registered factory's
     * {@link TransformFactory#typeName()}, or for an unregistered type (one built in code) its simple class name
     * without a trailing {@code Config}.
     */
    public String typeNameOf(Class<? extends TransformConfig> configType) {
        String registered = typeNames.get(configType);
        if (registered != null) {
            return registered;
        }
        String simple = configType.getSimpleName();
        if (simple.endsWith("Config") && simple.length() > "Config".length()) {
            return simple.substring(0, simple.length() - "Config".length());
        }
        return simple;
    }

    /** The type names of all registered transforms, sorted; aliases are left out. */
    public List<String> knownNames() {
        return factories.stream().map(TransformFactory::typeName).sorted().toList();
    }

    /** The registered factories in registration order. */
    public List<TransformFactory> factories() {
        return factories;
    }

    @Override
    public String toString() {
        return "TransformRegistry" + knownNames();
    }

    private static String checkedTypeName(TransformFactory factory) {
        String typeName = factory.typeName();
        if (typeName == null || typeName.isBlank()) {
            throw new IllegalStateException(factory.getClass().getName() + ".typeName() is blank");
        }
        return typeName;
    }

    private static void claim(Map<String, TransformFactory> names, String name, TransformFactory factory) {
        TransformFactory previous = names.putIfAbsent(name, factory);
        if (previous != null && previous != factory) {
            throw new IllegalStateException("transform name '" + name + "' is registered by both "
                    + previous.getClass().getName() + " and " + factory.getClass().getName());
        }
    }
}
