package dev.shotover.runtime.config;

import dev.shotover.api.BuildContext;
import dev.shotover.api.QueryType;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Flatten;
import dev.shotover.api.config.Required;
import java.util.List;

/**
 * Small stand-ins for built-in transforms, shaped like Shotover's config structs, so that the loader can be tested
 * without the transforms module.
 */
public final class FakeTransforms {

    private FakeTransforms() {
    }

    /** The registry the tests load with. */
    static TransformRegistry registry() {
        return TransformRegistry.of(new QueryCounterFactory(), new ValkeySinkSingleFactory(), new NullSinkFactory(),
                new DebugReturnerFactory(), new QueryTypeFilterFactory(), new TeeFactory(),
                new RequestThrottlingFactory());
    }

    /** A config whose builder is never needed here. */
    interface Unbuilt extends TransformConfig {
        @Override
        default TransformBuilder builder(BuildContext context) {
            throw new UnsupportedOperationException("not built in config tests");
        }
    }

    record QueryCounterConfig(@Required String name) implements Unbuilt {
    }

    record ValkeySinkSingleConfig(
            String name,
            @Required String remoteAddress,
            TlsConnectorConfig tls,
            Integer connectTimeoutMs,
            Long readTimeout) implements Unbuilt {
        ValkeySinkSingleConfig {
            connectTimeoutMs = connectTimeoutMs == null ? 3000 : connectTimeoutMs;
        }
    }

    record NullSinkConfig(String name) implements Unbuilt {
    }

    /** What DebugReturner answers with. */
    sealed interface Response permits ValkeyResponse, Fail {
    }

    @ConfigName("Valkey")
    @ConfigAliases("Redis")
    record ValkeyResponse(String value) implements Response {
    }

    record Fail() implements Response {
    }

    record DebugReturnerConfig(String name, @Required @Flatten Response response) implements Unbuilt {
    }

    /** QueryTypeFilter's current form: the variant key sits in the transform's own map. */
    sealed interface FilterMode permits DenyList, AllowList {
    }

    record DenyList(List<QueryType> types) implements FilterMode {
    }

    record AllowList(List<QueryType> types) implements FilterMode {
    }

    /** Takes both {@code DenyList: [...]} (flattened) and the older {@code filter: Read}. */
    record QueryTypeFilterConfig(String name, @Flatten FilterMode mode, QueryType filter) implements Unbuilt {
        QueryTypeFilterConfig {
            if (mode != null && filter != null) {
                throw new IllegalArgumentException("give either 'filter' or one of DenyList, AllowList, not both");
            }
            if (mode == null && filter == null) {
                throw new IllegalArgumentException("one of DenyList, AllowList (or the older 'filter') is required");
            }
            if (mode == null) {
                mode = new DenyList(List.of(filter));
            }
        }
    }

    /** Tee's behaviours: unit variants and a one-component variant holding a sub-chain. */
    sealed interface ConsistencyBehavior permits Ignore, FailOnMismatch, SubchainOnMismatch {
    }

    record Ignore() implements ConsistencyBehavior {
    }

    record FailOnMismatch() implements ConsistencyBehavior {
    }

    record SubchainOnMismatch(List<TransformConfig> chain) implements ConsistencyBehavior {
    }

    record TeeConfig(
            String name,
            ConsistencyBehavior behavior,
            Long timeoutMicros,
            @Required List<TransformConfig> chain,
            Integer bufferSize,
            @ConfigAliases("http_api_port") Integer switchPort) implements Unbuilt {
        TeeConfig {
            behavior = behavior == null ? new Ignore() : behavior;
            bufferSize = bufferSize == null ? 5 : bufferSize;
        }
    }

    record RequestThrottlingConfig(String name, int maxRequestsPerSecond) implements Unbuilt {
        RequestThrottlingConfig {
            if (maxRequestsPerSecond < 50) {
                throw new IllegalArgumentException("max_requests_per_second must be at least 50");
            }
        }
    }

    static final class QueryCounterFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "QueryCounter";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return QueryCounterConfig.class;
        }
    }

    static final class ValkeySinkSingleFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "ValkeySinkSingle";
        }

        @Override
        public List<String> aliases() {
            return List.of("RedisSinkSingle");
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return ValkeySinkSingleConfig.class;
        }
    }

    public static final class NullSinkFactory implements TransformFactory {
        public NullSinkFactory() {
        }

        @Override
        public String typeName() {
            return "NullSink";
        }

        @Override
        public List<String> aliases() {
            return List.of("Null");
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return NullSinkConfig.class;
        }
    }

    static final class DebugReturnerFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "DebugReturner";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return DebugReturnerConfig.class;
        }
    }

    static final class QueryTypeFilterFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "QueryTypeFilter";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return QueryTypeFilterConfig.class;
        }
    }

    public static final class TeeFactory implements TransformFactory {
        public TeeFactory() {
        }

        @Override
        public String typeName() {
            return "Tee";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return TeeConfig.class;
        }
    }

    static final class RequestThrottlingFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "RequestThrottling";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return RequestThrottlingConfig.class;
        }
    }

    /** Claims ValkeySinkSingle's name with another class: a packaging mistake. */
    static final class ImpostorSinkFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "ValkeySinkSingle";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return NullSinkConfig.class;
        }
    }
}
