package dev.shotover.transforms.scatter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.TransformFactory;
import dev.shotover.transforms.debug.DebugPrinterConfig;
import dev.shotover.transforms.nullsink.NullSinkConfig;
import dev.shotover.transforms.testing.TestMetrics;
import dev.shotover.transforms.valkey.timestamp.RedisTimestampTaggerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ConsistentScatterConfigTest {

    /** Records the sub-chains a config asks for, in order. */
    private static final class RecordingContext implements BuildContext {
        final Map<String, List<TransformConfig>> subChains = new LinkedHashMap<>();
        final List<String> closed = new ArrayList<>();
        private final Metrics metrics = new TestMetrics();

        @Override
        public String chainName() {
            return "valkey";
        }

        @Override
        public Protocol upChainProtocol() {
            return Protocol.VALKEY;
        }

        @Override
        public Metrics metrics() {
            return metrics;
        }

        @Override
        public String transformName() {
            return "cs";
        }

        @Override
        public String transformTypeName() {
            return "ConsistentScatter";
        }

        @Override
        public SubChainFactory subChain(String name, List<TransformConfig> chain) {
            subChains.put(name, chain);
            return new SubChainFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public SubChain build(TransformContext context) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                    closed.add(name);
                }
            };
        }
    }

    private static Map<String, List<TransformConfig>> routes(String... names) {
        Map<String, List<TransformConfig>> routes = new LinkedHashMap<>();
        for (String name : names) {
            routes.put(name, List.of(new NullSinkConfig(null)));
        }
        return routes;
    }

    @Test
    void consistencyLevelsMustBeBetweenOneAndTheNumberOfRoutes() {
        assertThat(new ConsistentScatterConfig(null, 2, 2, routes("a", "b", "c")).problems()).isEmpty();
        assertThat(new ConsistentScatterConfig(null, 3, 1, routes("a", "b", "c")).problems()).isEmpty();
        assertThat(new ConsistentScatterConfig(null, 0, 4, routes("a", "b", "c")).problems()).containsExactly(
                "ConsistentScatter write_consistency must be between 1 and the number of routes (3) but was 0",
                "ConsistentScatter read_consistency must be between 1 and the number of routes (3) but was 4");
    }

    @Test
    void routeMapMustNotBeEmptyNorHaveBlankRouteNames() {
        assertThat(new ConsistentScatterConfig(null, 1, 1, Map.of()).problems()).containsExactly(
                "ConsistentScatter route_map must have at least one route",
                "ConsistentScatter write_consistency must be between 1 and the number of routes (0) but was 1",
                "ConsistentScatter read_consistency must be between 1 and the number of routes (0) but was 1");
        assertThat(new ConsistentScatterConfig(null, 1, 1, routes("a", " ")).problems()).containsExactly(
                "ConsistentScatter route names must not be blank but one was \" \"");
    }

    @Test
    void eachRouteIsASubChainNamedAfterItInYamlOrderAndTaggersInItAttachTheirTimestamps() {
        Map<String, List<TransformConfig>> routes = new LinkedHashMap<>();
        routes.put("instance2", List.of(new DebugPrinterConfig(null), new RedisTimestampTaggerConfig("t", null),
                new NullSinkConfig(null)));
        routes.put("instance1", List.of(new NullSinkConfig(null)));
        RecordingContext context = new RecordingContext();

        var builder = new ConsistentScatterConfig(null, 1, 1, routes).builder(context);

        assertThat(context.subChains).containsOnlyKeys("instance2", "instance1");
        assertThat(new ArrayList<>(context.subChains.keySet())).containsExactly("instance2", "instance1");
        List<TransformConfig> route = context.subChains.get("instance2");
        assertThat(route.get(0)).isEqualTo(new DebugPrinterConfig(null));
        assertThat(route.get(1)).isEqualTo(new RedisTimestampTaggerConfig("t", true));
        assertThat(builder.validate()).isEmpty();

        builder.close();
        assertThat(context.closed).containsExactly("instance2", "instance1");
    }

    @Test
    void isTerminatingAndRegistered() {
        assertThat(new ConsistentScatterConfig(null, 1, 1, routes("a")).downChainProtocol().isTerminating()).isTrue();
        Map<String, Class<? extends TransformConfig>> byName = new HashMap<>();
        for (TransformFactory factory : ServiceLoader.load(TransformFactory.class)) {
            byName.put(factory.typeName(), factory.configType());
            factory.aliases().forEach(alias -> byName.put(alias, factory.configType()));
        }
        assertThat(byName)
                .containsEntry("ConsistentScatter", ConsistentScatterConfig.class)
                .containsEntry("RedisTimestampTagger", RedisTimestampTaggerConfig.class)
                .containsEntry("ValkeyTimestampTagger", RedisTimestampTaggerConfig.class);
    }
}
