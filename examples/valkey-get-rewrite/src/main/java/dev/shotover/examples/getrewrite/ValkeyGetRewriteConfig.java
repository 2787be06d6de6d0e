package dev.shotover.examples.getrewrite;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;

/**
 * The YAML of {@code ValkeyGetRewrite}:
 *
 * <pre>{@code
 * - ValkeyGetRewrite:
 *     result: "Rewritten value"
 * }</pre>
 *
 * @param name   the occurrence name, or null for {@code ValkeyGetRewrite}
 * @param result the value every GET is answered with
 */
public record ValkeyGetRewriteConfig(String name, @Required String result) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        // Stateless, so one instance serves every connection of the chain.
        Transform shared = new ValkeyGetRewrite(result);
        return connection -> shared;
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }
}
