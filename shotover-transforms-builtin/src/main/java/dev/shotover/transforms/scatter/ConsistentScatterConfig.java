package dev.shotover.transforms.scatter;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.Required;
import dev.shotover.transforms.valkey.timestamp.RedisTimestampTaggerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of {@link ConsistentScatter}.
 *
 * <pre>{@code
 * - ConsistentScatter:
 *     write_consistency: 2
 *     read_consistency: 2
 *     route_map:
 *       instance1:
 *         - RedisTimestampTagger
 *         - ValkeySinkSingle:
 *             remote_address: "127.0.0.1:6379"
 *       instance2:
 *         - RedisTimestampTagger
 *         - ValkeySinkSingle:
 *             remote_address: "127.0.0.1:6380"
 *       instance3:
 *         - RedisTimestampTagger
 *         - ValkeySinkSingle:
 *             remote_address: "127.0.0.1:6381"
 * }</pre>
 *
 * @param name             the occurrence name, or null to use the type name
 * @param writeConsistency how many routes must succeed before a request that is not a read is answered
 * @param readConsistency  how many routes must succeed before a read is answered
 * @param routeMap         the routes: name → sub-chain (named after the route), in YAML order
 */
public record ConsistentScatterConfig(String name, int writeConsistency, int readConsistency,
                                      @Required Map<String, List<TransformConfig>> routeMap)
        implements TransformConfig {

    public ConsistentScatterConfig {
        Objects.requireNonNull(routeMap, "routeMap");
        Map<String, List<TransformConfig>> copy = new LinkedHashMap<>();
        routeMap.forEach((route, chain) -> copy.put(route, List.copyOf(Objects.requireNonNull(chain, route))));
        routeMap = Collections.unmodifiableMap(copy);
    }

    /** What is wrong with the fields of this transform itself, one sentence each; routes are validated as chains. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        int routes = routeMap.size();
        if (routes == 0) {
            problems.add("ConsistentScatter route_map must have at least one route");
        }
        for (String route : routeMap.keySet()) {
            if (route.isBlank()) {
                problems.add("ConsistentScatter route names must not be blank but one was \"" + route + "\"");
            }
        }
        checkConsistency(problems, "write_consistency", writeConsistency, routes);
        checkConsistency(problems, "read_consistency", readConsistency, routes);
        return problems;
    }

    private static void checkConsistency(List<String> problems, String field, int value, int routes) {
        if (value < 1 || value > routes) {
            problems.add("ConsistentScatter " + field + " must be between 1 and the number of routes (" + routes
                    + ") but was " + value);
        }
    }

    /**
     * Builds each route as a sub-chain named after the route, so a problem in one is reported under its name:
     * <pre>
     *   ConsistentScatter:
     *     instance2 chain:
     *       Chain cannot be empty
     * </pre>
     * A {@code RedisTimestampTagger} at the top level of a route gets {@code attach_timestamp} turned on, so its
     * replies carry the time this transform resolves by (and strips before answering).
     */
    @Override
    public TransformBuilder builder(BuildContext context) {
        List<String> problems = problems();
        List<String> names = new ArrayList<>(routeMap.size());
        List<SubChainFactory> chains = new ArrayList<>(routeMap.size());
        for (Map.Entry<String, List<TransformConfig>> route : routeMap.entrySet()) {
            if (route.getKey().isBlank()) {
                continue;
            }
            names.add(route.getKey());
            chains.add(context.subChain(route.getKey(), withAttachedTimestamps(route.getValue())));
        }
        ScatterSettings settings = new ScatterSettings(context.transformName(), context.chainName(),
                writeConsistency, readConsistency, names);
        return new ConsistentScatterBuilder(settings, chains, problems);
    }

    static List<TransformConfig> withAttachedTimestamps(List<TransformConfig> chain) {
        List<TransformConfig> adjusted = new ArrayList<>(chain.size());
        for (TransformConfig config : chain) {
            adjusted.add(config instanceof RedisTimestampTaggerConfig tagger ? tagger.withAttachedTimestamp() : config);
        }
        return adjusted;
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
