package dev.shotover.proxy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.UpChainProtocol;
import java.util.concurrent.CompletableFuture;

/**
 * A test-only sink that accepts only Cassandra, to provoke the up-chain protocol check from a Valkey source.
 * Registered through {@code META-INF/services} of the test classpath, so the CLI finds it too.
 */
public final class CassandraOnlyFactory implements TransformFactory {
    @Override
    public String typeName() {
        return "CassandraOnly";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return Config.class;
    }

    public record Config(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> CompletableFuture.completedFuture(java.util.List.of());
        }

        @Override
        public UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.CASSANDRA);
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }
}
