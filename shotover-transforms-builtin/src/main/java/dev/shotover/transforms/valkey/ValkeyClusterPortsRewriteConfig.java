package dev.shotover.transforms.valkey;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import java.util.List;

/**
 * {@code ValkeyClusterPortsRewrite} (also {@code RedisClusterPortsRewrite}): replaces the node ports in
 * {@code CLUSTER SLOTS}, {@code CLUSTER SHARDS}, {@code CLUSTER NODES} and {@code CLUSTER REPLICAS} replies with
 * {@code new_port}, normally the port the proxy listens on.
 *
 * <pre>
 * - ValkeyClusterPortsRewrite:
 *     new_port: 6380
 * </pre>
 *
 * @param name    the occurrence name, or null for the type name
 * @param newPort the port written into the replies, 1 to 65535
 */
public record ValkeyClusterPortsRewriteConfig(String name, @Required Long newPort) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new TransformBuilder() {
            @Override
            public Transform build(TransformContext connection) {
                return new ValkeyClusterPortsRewrite((int) (long) newPort);
            }

            @Override
            public List<String> validate() {
                if (newPort < 1 || newPort > 65535) {
                    return List.of("new_port must be between 1 and 65535 but was " + newPort);
                }
                return List.of();
            }
        };
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }
}
