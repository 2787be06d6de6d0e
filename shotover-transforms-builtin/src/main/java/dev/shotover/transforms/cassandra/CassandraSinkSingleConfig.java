package dev.shotover.transforms.cassandra;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import dev.shotover.runtime.config.TlsConnectorConfig;

/**
 * {@code CassandraSinkSingle}: sends every request to one Cassandra node over one connection per client connection.
 * Responses come back in whatever order the node answers; server events the client registered for are passed on.
 *
 * <pre>
 * - CassandraSinkSingle:
 *     remote_address: "127.0.0.1:9042"
 *     connect_timeout_ms: 3000   # default 3000
 *     # read_timeout: 60         # seconds; unset = wait forever
 * </pre>
 *
 * @param readTimeout seconds to wait for a response while requests are outstanding before failing the connection
 */
public record CassandraSinkSingleConfig(
        String name,
        @Required String remoteAddress,
        Long connectTimeoutMs,
        Long readTimeout,
        TlsConnectorConfig tls) implements TransformConfig {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;

    public CassandraSinkSingleConfig {
        connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new CassandraSinkSingleBuilder(this, context);
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
