package dev.shotover.examples.embedded;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import java.util.List;

/**
 * {@code - KeyPrefix: {prefix: "tenant1:"}}: puts every key of the commands {@link KeyPrefix} knows into a
 * namespace, so several applications can share one Redis without seeing each other's keys.
 *
 * @param name   the occurrence name, or null for {@code KeyPrefix}
 * @param prefix prepended to every key; must not be empty
 */
public record KeyPrefixConfig(String name, @Required String prefix) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        // Looked up once here and shared: counters are thread-safe, lookups are not cheap.
        Metrics.Counter prefixed = context.metrics().counter("example_keys_prefixed_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
        KeyPrefix shared = new KeyPrefix(prefix, prefixed);
        return new TransformBuilder() {
            @Override
            public KeyPrefix build(dev.shotover.api.TransformContext connection) {
                return shared;
            }

            @Override
            public List<String> validate() {
                return prefix.isEmpty() ? List.of("KeyPrefix: prefix must not be empty") : List.of();
            }
        };
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }
}
