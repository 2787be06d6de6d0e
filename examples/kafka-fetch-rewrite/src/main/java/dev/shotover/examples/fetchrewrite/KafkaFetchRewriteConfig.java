package dev.shotover.examples.fetchrewrite;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;

/**
 * The YAML of {@code KafkaFetchRewrite}:
 *
 * <pre>{@code
 * - KafkaFetchRewrite:
 *     result: "Rewritten value"
 * }</pre>
 *
 * @param name   the occurrence name, or null for {@code KafkaFetchRewrite}
 * @param result the value (as UTF-8) every fetched record gets
 */
public record KafkaFetchRewriteConfig(String name, @Required String result) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        // Stateless, so one instance serves every connection of the chain.
        Transform shared = new KafkaFetchRewrite(result);
        return connection -> shared;
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.KAFKA);
    }
}
