package dev.shotover.runtime.config;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads Shotover's two configuration files: {@code topology.yaml} ({@link TopologyConfig}: sources and their
 * transform chains) and {@code config.yaml} ({@link ProxySettings}: {@code main_log_level},
 * {@code observability_interface}). Files written for Shotover load unchanged; see {@link ConfigBinder} for the
 * binding rules.
 *
 * <p>YAML is read with the YAML 1.2 core schema ({@code true}, {@code ~}, {@code 0x1F}, ... as serde_yaml reads
 * them) and composed into a node tree first, so that every problem, syntax errors included, is reported as
 * {@code file:line:column: path: message} in one {@link ConfigException}.
 *
 * <p>Thread-safe; a loader may be shared.
 */
public final class ConfigLoader {

    private final ConfigBinder binder;

    /**
     * @param registry the transforms topology files may name
     */
    public ConfigLoader(TransformRegistry registry) {
        this.binder = new ConfigBinder(registry);
    }

    /** The registry chains are resolved through. */
    public TransformRegistry registry() {
        return binder.registry();
    }

    /**
     * Loads a {@code topology.yaml}.
     *
     * @throws ConfigException if the file is missing or unreadable, or has any problem; problems name the path as
     *     given
     */
    public TopologyConfig loadTopology(Path file) {
        return parseTopology(read(file), file.toString());
    }

    /**
     * Parses {@code topology.yaml} text.
     *
     * @param sourceName names the text in problem reports, e.g. a file name or {@code <string>}
     * @throws ConfigException listing every problem found
     */
    public TopologyConfig parseTopology(String yaml, String sourceName) {
        return parse(yaml, TopologyConfig.class, sourceName);
    }

    /**
     * Loads a {@code config.yaml}.
     *
     * @throws ConfigException if the file is missing or unreadable, or has any problem
     */
    public ProxySettings loadSettings(Path file) {
        return parseSettings(read(file), file.toString());
    }

    /**
     * Parses {@code config.yaml} text. An empty document gives {@link ProxySettings#defaults()}.
     *
     * @param sourceName names the text in problem reports
     * @throws ConfigException listing every problem found
     */
    public ProxySettings parseSettings(String yaml, String sourceName) {
        return parse(yaml, ProxySettings.class, sourceName);
    }

    /**
     * Parses any config type, e.g. a single transform's config record, with the same rules as the topology.
     *
     * @param sourceName names the text in problem reports
     * @throws ConfigException listing every problem found
     */
    public <T> T parse(String yaml, Class<T> type, String sourceName) {
        return binder.bind(compose(yaml, sourceName), type, sourceName);
    }

    /**
     * Parses text into a generic type, e.g. {@code List<TransformConfig>} for a chain on its own.
     *
     * @param sourceName names the text in problem reports
     * @throws ConfigException listing every problem found
     */
    public Object parse(String yaml, Type type, String sourceName) {
        return binder.bind(compose(yaml, sourceName), type, sourceName);
    }

    private static Node compose(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        LoadSettings settings = LoadSettings.builder()
                .setLabel(sourceName)
                .setSchema(new CoreSchema())
                .build();
        try {
            return new Compose(settings).composeString(yaml).orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException(List.of(syntaxProblem(e, sourceName)), e);
        } catch (YamlEngineException e) {
            throw new ConfigException(List.of(ConfigProblem.ofSource(sourceName, "invalid YAML: " + e.getMessage())),
                    e);
        }
    }

    private static ConfigProblem syntaxProblem(MarkedYamlEngineException e, String sourceName) {
        Optional<Mark> where = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
        StringBuilder message = new StringBuilder("invalid YAML: ").append(e.getProblem());
        String context = e.getContext();
        if (context != null && !context.isBlank()) {
            message.append(" (").append(context);
            e.getContextMark().ifPresent(mark -> {
                if (!e.getProblemMark().equals(e.getContextMark())) {
                    message.append(" started at ").append(mark.getLine() + 1).append(':')
                            .append(mark.getColumn() + 1);
                }
            });
            message.append(')');
        }
        int line = where.map(mark -> mark.getLine() + 1).orElse(0);
        int column = where.map(mark -> mark.getColumn() + 1).orElse(0);
        return new ConfigProblem(sourceName, line, column, "", message.toString());
    }

    private static String read(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            // Editors on Windows like to start files with a byte order mark.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(ConfigProblem.ofSource(file.toString(), "file not found")), e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(ConfigProblem.ofSource(file.toString(), "file is not valid UTF-8")), e);
        } catch (IOException e) {
            throw new ConfigException(List.of(ConfigProblem.ofSource(file.toString(), "cannot read file: " + e)), e);
        }
    }
}
