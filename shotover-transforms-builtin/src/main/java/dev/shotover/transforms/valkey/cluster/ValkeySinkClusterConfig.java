package dev.shotover.transforms.valkey.cluster;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import dev.shotover.runtime.config.TlsConnectorConfig;
import java.util.List;

/**
 * {@code ValkeySinkCluster} (also {@code RedisSinkCluster}): makes a Redis/Valkey cluster look like one plain
 * server (cluster hiding).
 *
 * <pre>
 * - ValkeySinkCluster:
 *     first_contact_points: ["127.0.0.1:7000", "127.0.0.1:7001"]
 *     connection_count: 1        # connections per node and client connection, default 1; chosen by slot
 *     connect_timeout_ms: 3000   # default 3000
 * </pre>
 *
 * With {@code direct_destination: "host:port"} (also accepted as Shotover's documented {@code direct_connection})
 * it does cluster handling instead: key-routed commands go to the cluster, all others to that node. With
 * {@code tls:} (see {@link TlsConnectorConfig}) every node connection uses TLS; with {@code verify_hostname} the
 * node certificates must name the addresses the cluster reports (usually IPs).
 */
public record ValkeySinkClusterConfig(
        String name,
        @Required List<String> firstContactPoints,
        String directDestination,
        String directConnection,
        Long connectionCount,
        Long connectTimeoutMs,
        TlsConnectorConfig tls) implements TransformConfig {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;
    public static final long DEFAULT_CONNECTION_COUNT = 1;

    public ValkeySinkClusterConfig {
        connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
        connectionCount = connectionCount == null ? DEFAULT_CONNECTION_COUNT : connectionCount;
        firstContactPoints = firstContactPoints == null ? null : List.copyOf(firstContactPoints);
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new ValkeySinkClusterBuilder(this, context);
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
