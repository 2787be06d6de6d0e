package dev.shotover.transforms.cassandra;

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
 * {@code CassandraPeersRewrite}: when the proxies listen on another port than the nodes, drivers must learn the
 * proxies' port from {@code system.peers_v2} and from topology/status events; this rewrites {@code native_port} in
 * those results and the port in those events to {@code port}.
 *
 * <pre>
 * - CassandraPeersRewrite:
 *     port: 9043
 * </pre>
 *
 * @param name the occurrence name, or null to use the type name
 * @param port the port drivers should use for every peer: the proxies' listen port
 */
public record CassandraPeersRewriteConfig(String name, @Required Integer port) implements TransformConfig {

    @Override
    public TransformBuilder builder(BuildContext context) {
        int configured = port;
        return new TransformBuilder() {
            @Override
            public List<String> validate() {
                return configured < 1 || configured > 65535
                        ? List.of("port must be between 1 and 65535 but was " + configured) : List.of();
            }

            @Override
            public Transform build(TransformContext context) {
                // stateless apart from the port: one instance would do, but instances are per connection by contract
                return new CassandraPeersRewrite(configured);
            }
        };
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.CASSANDRA);
    }
}
