package dev.shotover.runtime.config;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Binds a composed YAML node tree to config records, following the rules of {@link dev.shotover.api.config}: Shotover's
 * (serde's) conventions, so that Shotover's own {@code topology.yaml} files bind unchanged.
 *
 * <ul>
 *   <li>Records bind from maps; {@code snake_case} keys name {@code camelCase} components unless
 *       {@link dev.shotover.api.config.ConfigName} says otherwise, {@link dev.shotover.api.config.ConfigAliases}
 *       adds historic names, unknown keys are errors, primitives and
 *       {@link dev.shotover.api.config.Required} components must be present, {@code null}/{@code ~} means absent.
 *       Records are made through their canonical constructor, so compact constructors apply defaults; an exception
 *       thrown there becomes a problem at the record's position.</li>
 *   <li>Scalars: strings (any plain scalar reads as its text), booleans, range-checked {@code int}/{@code long},
 *       {@code double}; quoted text is never read as a number. Enums match ignoring case and underscores, against
 *       the constant name and, when the enum has a {@code String yamlName()} method, that name.</li>
 *   <li>{@code List<T>} from sequences, {@code Map<String, T>} from maps (order kept).</li>
 *   <li>Sealed interfaces of records are externally tagged: {@code Variant} (a variant whose components are all
 *       optional) or {@code {Variant: value}}, where a one-component variant takes its value directly and others
 *       take a map. A {@link dev.shotover.api.config.Flatten} component's variant key sits in the enclosing map;
 *       when a record with exactly one flattened component is given as a bare string, the string names the
 *       variant ({@code - DebugReturner: Fail}).</li>
 *   <li>{@link TransformConfig} (usually in {@code List<TransformConfig>}, a chain): {@code {TypeName: body}} or a
 *       bare {@code TypeName}, the type resolved through the {@link TransformRegistry}.</li>
 *   <li>As in serde_yaml, words like {@code Null} only mean null where a component may be absent; a list element
 *       reads them as text, so {@code - Null} names the {@code Null} transform.</li>
 * </ul>
 *
 * <p>Binding goes on after a problem wherever it can, so that one {@link ConfigException} reports everything wrong
 * with a file, sorted by position. Problems are located by the node marks snakeyaml-engine records while composing.
 *
 * <p>Thread-safe: the binder is immutable apart from a concurrent cache of reflected record shapes, and each
 * {@code bind} call keeps its own problem list.
 */
public final class ConfigBinder {

    /** Deeper than any sensible config; stops runaway recursion through self-referencing YAML aliases. */
    private static final int MAX_DEPTH = 100;
    private static final int MAX_QUOTED_LENGTH = 60;
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final TransformRegistry registry;
    private final Map<Class<?>, Reflected<RecordShape>> recordShapes = new ConcurrentHashMap<>();
    private final Map<Class<?>, Reflected<VariantSet>> variantSets = new ConcurrentHashMap<>();

    /**
     * @param registry resolves the type names of transforms in chains
     */
    public ConfigBinder(TransformRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The registry transform names are resolved through. */
    public TransformRegistry registry() {
        return registry;
    }

    /**
     * Binds {@code root} to {@code type}.
     *
     * @param root the document's root node; null (an empty document) binds like an empty map
     * @param sourceName the file name, or another name for the text, used in problem reports
     * @throws ConfigException listing every problem found
     */
    @SuppressWarnings("unchecked")
    public <T> T bind(Node root, Class<T> type, String sourceName) {
        Object value = bind(root, (Type) type, sourceName);
        return type.isPrimitive() ? (T) value : type.cast(value);
    }

    /**
     * Binds {@code root} to a generic type such as {@code List<TransformConfig>}.
     *
     * @param root the document's root node; null (an empty document) binds like an empty map
     * @param sourceName the file name, or another name for the text, used in problem reports
     * @throws ConfigException listing every problem found
     */
    public Object bind(Node root, Type type, String sourceName) {
        Binding binding = new Binding(sourceName);
        Node node = root;
        if (node == null || isNull(node)) {
            Mark start = new Mark(sourceName, 0, 0, 0, new int[0], 0);
            node = emptyMapAt(root != null ? root.getStartMark() : Optional.of(start),
                    root != null ? root.getEndMark() : Optional.of(start));
        }
        Object value = binding.value(node, type, "", 0);
        binding.throwIfProblems();
        return value;
    }

    private <S> Reflected<S> reflect(Map<Class<?>, Reflected<S>> cache, Class<?> type, Function<Class<?>, S> make) {
        Reflected<S> cached = cache.get(type);
        if (cached != null) {
            return cached;
        }
        Reflected<S> made;
        try {
            made = new Reflected<>(make.apply(type), null);
        } catch (IllegalArgumentException e) {
            made = new Reflected<>(null, e.getMessage());
        }
        // Shapes are pure functions of the class, so a lost race just computes the same shape twice.
        Reflected<S> raced = cache.putIfAbsent(type, made);
        return raced != null ? raced : made;
    }

    /** A reflected shape, or why the type cannot be bound. */
    private record Reflected<S>(S shape, String error) {
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /**
     * Whether a list element or map value is missing. Unlike a record component, such a value cannot be absent,
     * so a null-like word is taken as text where text is wanted: serde_yaml only reads {@code null} as null when
     * an {@code Option} asks for it, which is what lets {@code - Null} name the {@code Null} transform. Only an
     * empty value or {@code ~} is missing.
     */
    private static boolean isAbsent(Node node) {
        if (!isNull(node)) {
            return false;
        }
        String text = ((ScalarNode) node).getValue();
        return text.isEmpty() || "~".equals(text);
    }

    private static MappingNode emptyMapAt(Optional<Mark> start, Optional<Mark> end) {
        return new MappingNode(Tag.MAP, false, new ArrayList<>(), FlowStyle.FLOW, start, end);
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** One {@code bind} call: walks the tree and collects problems. Not shared between threads. */
    private final class Binding {

        private final String sourceName;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Binding(String sourceName) {
            this.sourceName = sourceName;
        }

        void throwIfProblems() {
            if (!problems.isEmpty()) {
                List<ConfigProblem> sorted = new ArrayList<>(problems);
                sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
                throw new ConfigException(sorted);
            }
        }

        void problem(Node at, String path, String message) {
            Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
            int line = mark.map(m -> m.getLine() + 1).orElse(0);
            int column = mark.map(m -> m.getColumn() + 1).orElse(0);
            problems.add(new ConfigProblem(sourceName, line, column, path, message));
        }

        /** Binds a node that is present (not a YAML null). Returns null after reporting a problem. */
        Object value(Node node, Type type, String path, int depth) {
            if (depth > MAX_DEPTH) {
                problem(node, path, "nesting is deeper than " + MAX_DEPTH + " levels");
                return null;
            }
            if (!hasStandardTag(node)) {
                problem(node, path, "unsupported YAML tag '" + node.getTag().getValue() + "'");
                return null;
            }
            Class<?> raw = rawClass(type);
            if (raw == String.class) {
                return string(node, path);
            }
            if (raw == boolean.class || raw == Boolean.class) {
                return bool(node, path);
            }
            if (raw == int.class || raw == Integer.class) {
                BigInteger value = integer(node, path, INT_MIN, INT_MAX);
                return value == null ? null : value.intValue();
            }
            if (raw == long.class || raw == Long.class) {
                BigInteger value = integer(node, path, LONG_MIN, LONG_MAX);
                return value == null ? null : value.longValue();
            }
            if (raw == double.class || raw == Double.class) {
                return decimal(node, path);
            }
            if (raw != null && raw.isEnum()) {
                return enumConstant(node, raw, path);
            }
            if (raw == List.class) {
                return list(node, typeArgument(type, 0), path, depth);
            }
            if (raw == Map.class) {
                return map(node, type, path, depth);
            }
            if (raw == TransformConfig.class) {
                return transform(node, path, depth);
            }
            if (raw != null && raw.isRecord()) {
                RecordShape shape = recordShape(raw, node, path);
                return shape == null ? null : record(node, shape, path, depth);
            }
            if (raw != null && raw.isInterface() && raw.isSealed()) {
                VariantSet variants = variantSet(raw, node, path);
                return variants == null ? null : sealed(node, variants, path, depth);
            }
            problem(node, path, "cannot bind to " + type.getTypeName() + ": unsupported config type");
            return null;
        }

        private String string(Node node, String path) {
            if (node instanceof ScalarNode scalar) {
                // serde_yaml reads any plain scalar as text when a string is wanted, e.g. `version: 1.0`.
                return scalar.getValue();
            }
            problem(node, path, "expected a string, found " + describe(node));
            return null;
        }

        private Boolean bool(Node node, String path) {
            if (node instanceof ScalarNode scalar && Tag.BOOL.equals(node.getTag())) {
                return Boolean.parseBoolean(scalar.getValue().toLowerCase(Locale.ROOT));
            }
            problem(node, path, "expected a boolean, found " + describe(node));
            return null;
        }

        private BigInteger integer(Node node, String path, BigInteger min, BigInteger max) {
            if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(node.getTag())) {
                problem(node, path, "expected an integer, found " + describe(node));
                return null;
            }
            BigInteger value = parseInteger(scalar.getValue());
            if (value == null) {
                problem(node, path, "invalid integer '" + scalar.getValue() + "'");
                return null;
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                problem(node, path, "integer " + scalar.getValue() + " is out of range (" + min + ".." + max + ")");
                return null;
            }
            return value;
        }

        private Double decimal(Node node, String path) {
            if (node instanceof ScalarNode scalar
                    && (Tag.FLOAT.equals(node.getTag()) || Tag.INT.equals(node.getTag()))) {
                Double value = parseDecimal(scalar.getValue());
                if (value != null) {
                    return value;
                }
                problem(node, path, "invalid number '" + scalar.getValue() + "'");
                return null;
            }
            problem(node, path, "expected a number, found " + describe(node));
            return null;
        }

        private Object enumConstant(Node node, Class<?> enumType, String path) {
            List<String> names = enumNames(enumType);
            if (!(node instanceof ScalarNode scalar)) {
                problem(node, path, "expected one of: " + String.join(", ", names) + ", found " + describe(node));
                return null;
            }
            String wanted = ConfigNames.loose(scalar.getValue());
            Object[] constants = enumType.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                if (ConfigNames.loose(((Enum<?>) constants[i]).name()).equals(wanted)
                        || ConfigNames.loose(names.get(i)).equals(wanted)) {
                    return constants[i];
                }
            }
            problem(node, path, "unknown value '" + scalar.getValue() + "'; expected one of: "
                    + String.join(", ", names));
            return null;
        }

        private List<Object> list(Node node, Type elementType, String path, int depth) {
            if (!(node instanceof SequenceNode sequence)) {
                problem(node, path, "expected a list, found " + describe(node));
                return null;
            }
            List<Object> values = new ArrayList<>(sequence.getValue().size());
            int index = 0;
            for (Node element : sequence.getValue()) {
                String elementPath = path + "[" + index++ + "]";
                if (isAbsent(element)) {
                    problem(element, elementPath, "expected " + expectation(elementType) + ", found null");
                    continue;
                }
                Object value = value(element, elementType, elementPath, depth + 1);
                if (value != null) {
                    values.add(value);
                }
            }
            return List.copyOf(values);
        }

        private Map<String, Object> map(Node node, Type mapType, String path, int depth) {
            Type keyType = typeArgument(mapType, 0);
            if (keyType != String.class) {
                problem(node, path, "cannot bind to " + mapType.getTypeName() + ": map keys must be String");
                return null;
            }
            if (!(node instanceof MappingNode mapping)) {
                problem(node, path, "expected a map, found " + describe(node));
                return null;
            }
            Type valueType = typeArgument(mapType, 1);
            Map<String, Object> values = new LinkedHashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                String key = keyText(entry.getKeyNode(), path);
                if (key == null) {
                    continue;
                }
                if (values.containsKey(key)) {
                    problem(entry.getKeyNode(), path, "duplicate key '" + key + "'");
                    continue;
                }
                Node valueNode = entry.getValueNode();
                if (isAbsent(valueNode)) {
                    problem(valueNode, child(path, key), "expected " + expectation(valueType) + ", found null");
                    continue;
                }
                values.put(key, value(valueNode, valueType, child(path, key), depth + 1));
            }
            return Collections.unmodifiableMap(values);
        }

        /** One chain element: {@code TypeName} or {@code {TypeName: body}}. */
        private Object transform(Node node, String path, int depth) {
            Node nameNode;
            Node body;
            if (node instanceof ScalarNode) {
                nameNode = node;
                body = null;
            } else if (node instanceof MappingNode mapping && mapping.getValue().size() == 1) {
                nameNode = mapping.getValue().get(0).getKeyNode();
                body = mapping.getValue().get(0).getValueNode();
            } else if (node instanceof MappingNode mapping) {
                List<String> keys = new ArrayList<>();
                for (NodeTuple entry : mapping.getValue()) {
                    keys.add(entry.getKeyNode() instanceof ScalarNode key ? key.getValue() : "?");
                }
                problem(node, path, keys.isEmpty()
                        ? "expected a transform, as TransformName or {TransformName: {...}}, found an empty map"
                        : "expected a single-key map {TransformName: {...}}, found " + keys.size() + " keys: "
                                + String.join(", ", keys));
                return null;
            } else {
                problem(node, path, "expected a transform, as TransformName or {TransformName: {...}}, found "
                        + describe(node));
                return null;
            }
            String typeName = keyText(nameNode, path);
            if (typeName == null) {
                return null;
            }
            Optional<TransformFactory> factory = registry.lookup(typeName);
            if (factory.isEmpty()) {
                List<String> known = registry.knownNames();
                problem(nameNode, path, "unknown transform '" + typeName + "'; "
                        + (known.isEmpty() ? "no transforms are registered" : "known transforms: "
                                + String.join(", ", known)));
                return null;
            }
            String bodyPath = child(path, typeName);
            RecordShape shape = recordShape(factory.get().configType(), nameNode, bodyPath);
            if (shape == null) {
                return null;
            }
            if (body == null || isNull(body)) {
                body = emptyMapAt(nameNode.getStartMark(), nameNode.getEndMark());
            }
            return record(body, shape, bodyPath, depth + 1);
        }

        private Object record(Node node, RecordShape shape, String path, int depth) {
            int problemsBefore = problems.size();
            List<RecordShape.Field> fields = shape.fields();
            Object[] args = new Object[fields.size()];
            boolean[] present = new boolean[fields.size()];
            if (node instanceof ScalarNode scalar && shape.flattenedFields().size() == 1) {
                // `- DebugReturner: Fail`: the whole body names the flattened component's variant.
                RecordShape.Field field = shape.flattenedFields().get(0);
                present[field.index()] = true;
                args[field.index()] = variantNamed(scalar, field.variants(), path, depth);
            } else if (node instanceof MappingNode mapping) {
                bindFields(mapping, shape, path, depth, args, present);
            } else {
                problem(node, path, "expected a map, found " + describe(node));
                return null;
            }
            for (RecordShape.Field field : fields) {
                if (!present[field.index()] && field.required()) {
                    problem(node, path, field.flattened()
                            ? "missing one of: " + String.join(", ", field.variants().names())
                            : "missing field '" + field.yamlName() + "'");
                }
            }
            if (problems.size() > problemsBefore) {
                return null;
            }
            for (RecordShape.Field field : fields) {
                if (!present[field.index()]) {
                    args[field.index()] = shape.absentValue(field);
                }
            }
            return construct(shape, args, node, path);
        }

        private void bindFields(MappingNode mapping, RecordShape shape, String path, int depth, Object[] args,
                boolean[] present) {
            // The key each field was given under, to catch a field given twice (perhaps once under an alias).
            Map<RecordShape.Field, String> givenAs = new HashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                Node keyNode = entry.getKeyNode();
                String key = keyText(keyNode, path);
                if (key == null) {
                    continue;
                }
                RecordShape.Field field = shape.field(key);
                if (field != null) {
                    String earlier = givenAs.putIfAbsent(field, key);
                    if (earlier != null) {
                        problem(keyNode, path, earlier.equals(key)
                                ? "duplicate field '" + key + "'"
                                : "field '" + key + "' is given twice (also as '" + earlier + "')");
                        continue;
                    }
                    Node valueNode = entry.getValueNode();
                    if (!isNull(valueNode)) {
                        present[field.index()] = true;
                        args[field.index()] = value(valueNode, field.type(), child(path, field.yamlName()),
                                depth + 1);
                    }
                    continue;
                }
                field = shape.flattenedFieldWithVariant(key);
                if (field != null) {
                    String earlier = givenAs.putIfAbsent(field, key);
                    if (earlier != null) {
                        problem(keyNode, path, "'" + key + "' conflicts with '" + earlier + "': only one of "
                                + String.join(", ", field.variants().names()) + " may be given");
                        continue;
                    }
                    present[field.index()] = true;
                    args[field.index()] = variant(field.variants().lookup(key), key, entry.getValueNode(), keyNode,
                            child(path, key), depth + 1);
                    continue;
                }
                List<String> expected = shape.expectedKeys();
                problem(keyNode, path, "unknown field '" + key + "'; "
                        + (expected.isEmpty() ? "no fields are expected" : "expected one of: "
                                + String.join(", ", expected)));
            }
        }

        private Object sealed(Node node, VariantSet variants, String path, int depth) {
            if (node instanceof ScalarNode scalar) {
                return variantNamed(scalar, variants, path, depth);
            }
            if (node instanceof MappingNode mapping) {
                int size = mapping.getValue().size();
                if (size != 1) {
                    problem(node, path, "expected a single-key map naming one of: "
                            + String.join(", ", variants.names()) + ", found "
                            + (size == 0 ? "an empty map" : size + " keys"));
                    return null;
                }
                NodeTuple entry = mapping.getValue().get(0);
                String name = keyText(entry.getKeyNode(), path);
                if (name == null) {
                    return null;
                }
                VariantSet.Variant variant = variants.lookup(name);
                if (variant == null) {
                    problem(entry.getKeyNode(), path, unknownVariant(name, variants));
                    return null;
                }
                return variant(variant, name, entry.getValueNode(), entry.getKeyNode(), child(path, name),
                        depth + 1);
            }
            problem(node, path, "expected one of: " + String.join(", ", variants.names())
                    + " (a name or a single-key map), found " + describe(node));
            return null;
        }

        /** A variant given by name alone. */
        private Object variantNamed(ScalarNode scalar, VariantSet variants, String path, int depth) {
            String name = scalar.getValue();
            VariantSet.Variant variant = variants.lookup(name);
            if (variant == null) {
                problem(scalar, path, unknownVariant(name, variants));
                return null;
            }
            return variant(variant, name, null, scalar, child(path, name), depth + 1);
        }

        private String unknownVariant(String name, VariantSet variants) {
            return "unknown variant '" + name + "'; expected one of: " + String.join(", ", variants.names());
        }

        /**
         * The body of a variant.
         *
         * @param value the value under the variant key, or null when the variant was named by a bare string
         * @param at where the variant was named
         */
        private Object variant(VariantSet.Variant variant, String writtenName, Node value, Node at, String path,
                int depth) {
            RecordShape shape = recordShape(variant.type(), at, path);
            if (shape == null) {
                return null;
            }
            List<RecordShape.Field> fields = shape.fields();
            if (value == null || isNull(value)) {
                if (fields.stream().anyMatch(RecordShape.Field::required)) {
                    problem(at, path, "variant '" + writtenName + "' needs a value: {" + writtenName + ": ...}");
                    return null;
                }
                return record(emptyMapAt(at.getStartMark(), at.getEndMark()), shape, path, depth);
            }
            if (fields.isEmpty()) {
                if (value instanceof MappingNode mapping && mapping.getValue().isEmpty()) {
                    return construct(shape, new Object[0], value, path);
                }
                problem(value, path, "variant '" + writtenName + "' takes no value, found " + describe(value));
                return null;
            }
            if (fields.size() == 1 && !fields.get(0).flattened()
                    && !(value instanceof MappingNode && cannotBeAMap(fields.get(0).rawType()))) {
                // A newtype variant, serde's `Valkey(String)`: the value is the component itself.
                int problemsBefore = problems.size();
                Object component = value(value, fields.get(0).type(), path, depth);
                if (problems.size() > problemsBefore) {
                    return null;
                }
                return construct(shape, new Object[] {component}, value, path);
            }
            return record(value, shape, path, depth);
        }

        private Object construct(RecordShape shape, Object[] args, Node at, String path) {
            try {
                return shape.constructor().newInstance(args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                String message = cause.getMessage();
                problem(at, path, message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                problem(at, path, "cannot construct " + shape.type().getName() + ": " + e);
            }
            return null;
        }

        private String keyText(Node keyNode, String path) {
            if (keyNode instanceof ScalarNode scalar) {
                return scalar.getValue();
            }
            problem(keyNode, path, "expected a name as the key, found " + describe(keyNode));
            return null;
        }

        private RecordShape recordShape(Class<?> type, Node at, String path) {
            Reflected<RecordShape> reflected = reflect(recordShapes, type, RecordShape::of);
            if (reflected.error() != null) {
                problem(at, path, "cannot bind to " + type.getName() + ": " + reflected.error());
            }
            return reflected.shape();
        }

        private VariantSet variantSet(Class<?> type, Node at, String path) {
            Reflected<VariantSet> reflected = reflect(variantSets, type, VariantSet::of);
            if (reflected.error() != null) {
                problem(at, path, "cannot bind to " + type.getName() + ": " + reflected.error());
            }
            return reflected.shape();
        }

        /** How a type reads in "expected ..." messages. */
        private String expectation(Type type) {
            Class<?> raw = rawClass(type);
            if (raw == String.class) {
                return "a string";
            }
            if (raw == boolean.class || raw == Boolean.class) {
                return "a boolean";
            }
            if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
                return "an integer";
            }
            if (raw == double.class || raw == Double.class) {
                return "a number";
            }
            if (raw != null && raw.isEnum()) {
                return "one of: " + String.join(", ", enumNames(raw));
            }
            if (raw == List.class) {
                return "a list";
            }
            if (raw == TransformConfig.class) {
                return "a transform";
            }
            return "a value";
        }
    }

    private static boolean hasStandardTag(Node node) {
        Tag tag = node.getTag();
        if (node instanceof ScalarNode) {
            return Tag.STR.equals(tag) || Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag)
                    || Tag.NULL.equals(tag);
        }
        if (node instanceof SequenceNode) {
            return Tag.SEQ.equals(tag);
        }
        return Tag.MAP.equals(tag);
    }

    /** Whether no value of this type binds from a map, so a map given for it must be a record body instead. */
    private static boolean cannotBeAMap(Class<?> type) {
        return type == String.class || type.isPrimitive() || type == Boolean.class || type == Integer.class
                || type == Long.class || type == Double.class || type.isEnum() || type == List.class;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> c) {
            return c;
        }
        if (type instanceof WildcardType wildcard && wildcard.getUpperBounds().length == 1) {
            return rawClass(wildcard.getUpperBounds()[0]);
        }
        return null;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments().length > index) {
            Type argument = parameterized.getActualTypeArguments()[index];
            if (argument instanceof WildcardType wildcard && wildcard.getUpperBounds().length == 1) {
                return wildcard.getUpperBounds()[0];
            }
            return argument;
        }
        return Object.class;
    }

    /** The YAML names of an enum's constants: its {@code yamlName()} when it has one, else the PascalCase name. */
    private static List<String> enumNames(Class<?> enumType) {
        Method yamlName = null;
        try {
            Method method = enumType.getMethod("yamlName");
            if (method.getReturnType() == String.class && !Modifier.isStatic(method.getModifiers())) {
                yamlName = method;
            }
        } catch (NoSuchMethodException e) {
            // no YAML names of its own
        }
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            String name = null;
            if (yamlName != null) {
                try {
                    name = (String) yamlName.invoke(constant);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    name = null;
                }
            }
            names.add(name != null ? name : ConfigNames.pascalCase(((Enum<?>) constant).name()));
        }
        return names;
    }

    /** YAML 1.2 core integers: decimal, {@code 0o} octal, {@code 0x} hex, with an optional sign. */
    private static BigInteger parseInteger(String text) {
        String digits = text;
        boolean negative = false;
        if (digits.startsWith("-") || digits.startsWith("+")) {
            negative = digits.charAt(0) == '-';
            digits = digits.substring(1);
        }
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0o") || digits.startsWith("0O")) {
            radix = 8;
            digits = digits.substring(2);
        }
        digits = digits.replace("_", "");
        if (digits.isEmpty()) {
            return null;
        }
        try {
            BigInteger value = new BigInteger(digits, radix);
            return negative ? value.negate() : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDecimal(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        switch (lower) {
            case ".inf":
            case "+.inf":
                return Double.POSITIVE_INFINITY;
            case "-.inf":
                return Double.NEGATIVE_INFINITY;
            case ".nan":
                return Double.NaN;
            default:
                break;
        }
        BigInteger integer = parseInteger(text);
        if (integer != null) {
            return integer.doubleValue();
        }
        try {
            return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How a node reads in "found ..." messages. */
    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            Tag tag = node.getTag();
            String value = scalar.getValue();
            if (Tag.NULL.equals(tag)) {
                return "null";
            }
            if (Tag.INT.equals(tag)) {
                return "integer " + value;
            }
            if (Tag.FLOAT.equals(tag)) {
                return "float " + value;
            }
            if (Tag.BOOL.equals(tag)) {
                return "boolean " + value;
            }
            String shown = value.length() > MAX_QUOTED_LENGTH ? value.substring(0, MAX_QUOTED_LENGTH) + "..." : value;
            return "string \"" + shown + "\"";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a map";
    }
}
