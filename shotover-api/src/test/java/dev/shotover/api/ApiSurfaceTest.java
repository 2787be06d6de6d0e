package dev.shotover.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/api-surface.txt} equal to the public surface of the compiled SDK: every public type of
 * {@code dev.shotover.api} and its sub-packages, with its supertypes, permitted subtypes, record components and
 * every public or protected constructor, method and field, with generic signatures. An accidental change to the
 * API (a removed method, a widened parameter, a new permitted frame type) fails the build here, with the difference;
 * a deliberate one is recorded by regenerating the file, so that it shows in review.
 */
class ApiSurfaceTest {

    static final String UPDATE_PROPERTY = "api.surface.update";
    static final String UPDATE_COMMAND = "mvn -pl shotover-api test -Dtest=ApiSurfaceTest -D" + UPDATE_PROPERTY
            + "=true";

    @Test
    void theApiSurfaceIsTheOneRecordedInDocs() throws Exception {
        String actual = render(publicTypes());
        Path file = surfaceFile();

        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            throw new AssertionError("The public API of shotover-api differs from " + file + ".\n"
                    + "If the change is intended, regenerate the file and commit it with the change:\n    "
                    + UPDATE_COMMAND + "\n"
                    + "Lines starting with - are recorded but no longer in the API; + are new:\n"
                    + diff(expected, actual));
        }
    }

    @Test
    void theSurfaceListsTheCoreTypesAndSignatures() throws Exception {
        String surface = render(publicTypes());

        assertThat(surface)
                .contains("public final class dev.shotover.api.Message\n")
                .contains("  method public static dev.shotover.api.Message responseTo(dev.shotover.api.Message, "
                        + "dev.shotover.api.Frame)\n")
                .contains("  method public <F extends dev.shotover.api.Frame> F frame(java.lang.Class<F>)\n")
                .contains("public interface dev.shotover.api.Transform\n")
                .contains("  method public java.util.concurrent.CompletionStage<java.util.List<"
                        + "dev.shotover.api.Message>> transform(dev.shotover.api.ChainState)\n")
                .contains("  method public default void close()\n")
                .contains("permits dev.shotover.api.valkey.ValkeyFrame$Array")
                .contains("  enum-constant VALKEY\n")
                .contains("public @interface dev.shotover.api.config.Required\n  retention RUNTIME\n")
                .contains("public record dev.shotover.api.MessageId\n  record-component long high\n"
                        + "  record-component long low\n")
                .doesNotContain("hashCode()")        // Object's methods are not the SDK's API
                .doesNotContain("Message$1")          // anonymous classes are not API
                .doesNotContain("printable");         // private methods are not API
    }

    /** The SDK's public types, found in the directory or jar the compiled classes came from. */
    static List<Class<?>> publicTypes() throws IOException, URISyntaxException {
        Path root = Path.of(Message.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classNames;
        try (Stream<Path> files = Files.walk(root)) {
            classNames = files.map(root::relativize).map(Path::toString)
                    .filter(name -> name.endsWith(".class") && name.startsWith("dev"))
                    .map(name -> name.substring(0, name.length() - ".class".length())
                            .replace(java.io.File.separatorChar, '.'))
                    .filter(name -> !name.endsWith("package-info"))
                    .sorted()
                    .toList();
        }
        List<Class<?>> types = new ArrayList<>();
        for (String name : classNames) {
            Class<?> type;
            try {
                type = Class.forName(name, false, Message.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("compiled class " + name + " cannot be loaded", e);
            }
            if (isVisible(type) && hasSource(type)) {
                types.add(type);
            }
        }
        return types;
    }

    /**
     * Whether the type's source file still exists: the build never cleans, so classes of deleted sources can linger
     * in target/classes and must not count as API.
     */
    private static boolean hasSource(Class<?> type) {
        Class<?> topLevel = type;
        while (topLevel.getEnclosingClass() != null) {
            topLevel = topLevel.getEnclosingClass();
        }
        Path sources = moduleDir().resolve("src/main/java");
        return !Files.isDirectory(sources)
                || Files.exists(sources.resolve(topLevel.getName().replace('.', '/') + ".java"));
    }

    private static boolean isVisible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            int modifiers = t.getModifiers();
            boolean nested = t.getEnclosingClass() != null;
            if (!Modifier.isPublic(modifiers) && !(nested && Modifier.isProtected(modifiers))) {
                return false;
            }
        }
        return true;
    }

    static String render(List<Class<?>> types) {
        StringBuilder out = new StringBuilder()
                .append("# The public API of shotover-api (dev.shotover.api.*), generated from the compiled classes by\n")
                .append("# ApiSurfaceTest, which fails when the API and this file differ. After an intended change:\n")
                .append("#   ").append(UPDATE_COMMAND).append('\n');
        for (Class<?> type : types) {
            out.append('\n').append(header(type)).append('\n');
            for (String member : members(type)) {
                out.append("  ").append(member).append('\n');
            }
        }
        return out.toString();
    }

    private static String header(Class<?> type) {
        StringBuilder header = new StringBuilder();
        int modifiers = type.getModifiers() & ~Modifier.INTERFACE;
        if (type.isInterface() || type.isEnum() || type.isRecord()) {
            modifiers &= ~Modifier.STATIC; // implicit for nested interfaces, enums and records
        }
        if (type.isInterface()) {
            modifiers &= ~Modifier.ABSTRACT; // implicit
        }
        if (type.isEnum() || type.isRecord()) {
            modifiers &= ~Modifier.FINAL; // implicit (for enums without constant bodies)
        }
        header.append(Modifier.toString(modifiers));
        if (type.isSealed()) {
            header.append(" sealed");
        }
        String kind = type.isAnnotation() ? "@interface" : type.isInterface() ? "interface" : type.isEnum() ? "enum"
                : type.isRecord() ? "record" : "class";
        header.append(' ').append(kind).append(' ').append(type.getName()).append(typeParameters(
                type.getTypeParameters()));
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && superclass != Record.class
                && !(type.isEnum() && type.getSuperclass() == Enum.class)) {
            header.append(" extends ").append(superclass.getTypeName());
        }
        List<String> interfaces = Arrays.stream(type.getGenericInterfaces()).map(Type::getTypeName)
                .filter(name -> !(type.isAnnotation() && name.equals(Annotation.class.getName())))
                .toList();
        if (!interfaces.isEmpty()) {
            header.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        if (type.isSealed()) {
            header.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getName)
                    .sorted().collect(Collectors.joining(", ")));
        }
        return header.toString();
    }

    private static List<String> members(Class<?> type) {
        Set<String> members = new LinkedHashSet<>();
        if (type.isAnnotation()) {
            Retention retention = type.getAnnotation(Retention.class);
            members.add("retention " + (retention == null ? "CLASS" : retention.value()));
            Target target = type.getAnnotation(Target.class);
            if (target != null) {
                members.add("target " + Arrays.stream(target.value()).map(Enum::name).sorted().toList());
            }
        } else if (type.isAnnotationPresent(FunctionalInterface.class)) {
            members.add("@FunctionalInterface");
        }
        if (type.isRecord()) {
            // In declaration order: it is the order of the canonical constructor.
            for (RecordComponent component : type.getRecordComponents()) {
                members.add("record-component " + component.getGenericType().getTypeName() + " "
                        + component.getName());
            }
        }
        List<String> sorted = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (field.isEnumConstant()) {
                sorted.add("enum-constant " + field.getName());
            } else if (isApi(field.getModifiers()) && !field.isSynthetic()) {
                sorted.add("field " + Modifier.toString(field.getModifiers()) + " "
                        + field.getGenericType().getTypeName() + " " + field.getName());
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (isApi(constructor.getModifiers()) && !constructor.isSynthetic()) {
                sorted.add("constructor " + Modifier.toString(constructor.getModifiers())
                        + typeParameterPrefix(constructor) + " " + parameters(constructor) + exceptions(constructor));
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (isApi(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()
                    && !overridesObject(method)) {
                int methodModifiers = method.getModifiers() & Modifier.methodModifiers();
                if (type.isInterface()) {
                    methodModifiers &= ~Modifier.ABSTRACT; // implicit; default and static are shown
                }
                String modifiers = Modifier.toString(methodModifiers);
                sorted.add("method " + modifiers + (method.isDefault() ? " default" : "")
                        + typeParameterPrefix(method) + " " + method.getGenericReturnType().getTypeName() + " "
                        + method.getName() + parameters(method) + exceptions(method)
                        + (type.isAnnotation() && method.getDefaultValue() != null
                                ? " default " + defaultValue(method.getDefaultValue()) : ""));
            }
        }
        sorted.sort(null);
        members.addAll(sorted);
        return new ArrayList<>(members);
    }

    /** equals, hashCode and toString are Object's API, whoever overrides them (records generate them). */
    private static boolean overridesObject(Method method) {
        return switch (method.getName()) {
            case "equals" -> method.getParameterCount() == 1 && method.getParameterTypes()[0] == Object.class;
            case "hashCode", "toString" -> method.getParameterCount() == 0;
            default -> false;
        };
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String typeParameterPrefix(Executable executable) {
        String parameters = typeParameters(executable.getTypeParameters());
        return parameters.isEmpty() ? "" : " " + parameters;
    }

    private static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        List<String> rendered = new ArrayList<>();
        for (TypeVariable<?> variable : variables) {
            List<String> bounds = Arrays.stream(variable.getBounds()).filter(bound -> bound != Object.class)
                    .map(Type::getTypeName).toList();
            rendered.add(variable.getName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds)));
        }
        return "<" + String.join(", ", rendered) + ">";
    }

    private static String parameters(Executable executable) {
        Type[] types = executable.getGenericParameterTypes();
        List<String> rendered = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            String name = types[i].getTypeName();
            if (executable.isVarArgs() && i == types.length - 1 && name.endsWith("[]")) {
                name = name.substring(0, name.length() - 2) + "...";
            }
            rendered.add(name);
        }
        return "(" + String.join(", ", rendered) + ")";
    }

    private static String exceptions(Executable executable) {
        Type[] thrown = executable.getGenericExceptionTypes();
        return thrown.length == 0 ? "" : " throws " + Arrays.stream(thrown).map(Type::getTypeName)
                .collect(Collectors.joining(", "));
    }

    private static String defaultValue(Object value) {
        if (value.getClass().isArray()) {
            Object[] values = value instanceof Object[] objects ? objects : new Object[] {value};
            return Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(value);
    }

    /** The lines only in {@code expected} (prefixed {@code -}) and only in {@code actual} ({@code +}), in order. */
    static String diff(String expected, String actual) {
        List<String> before = expected.lines().toList();
        List<String> after = actual.lines().toList();
        Set<String> beforeSet = new LinkedHashSet<>(before);
        Set<String> afterSet = new LinkedHashSet<>(after);
        StringBuilder diff = new StringBuilder();
        String type = null;
        // Members are indented under their type; name the type for each changed member so the diff reads alone.
        for (String line : before) {
            if (!line.startsWith(" ")) {
                type = line;
            }
            if (!afterSet.contains(line)) {
                diff.append("- ").append(line).append(line.startsWith(" ") && type != null ? "    (in " + type + ")"
                        : "").append('\n');
            }
        }
        type = null;
        for (String line : after) {
            if (!line.startsWith(" ")) {
                type = line;
            }
            if (!beforeSet.contains(line)) {
                diff.append("+ ").append(line).append(line.startsWith(" ") && type != null ? "    (in " + type + ")"
                        : "").append('\n');
            }
        }
        return diff.length() == 0 ? "(only the order or blank lines differ)\n" : diff.toString();
    }

    private static Path surfaceFile() {
        return moduleDir().resolveSibling("docs").resolve("api-surface.txt").normalize();
    }

    /** The shotover-api module directory: surefire's {@code basedir}, else the working directory. */
    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }
}
