package dev.shotover.transforms.valkey;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import dev.shotover.runtime.config.TlsConnectorConfig;

/**
 * {@code ValkeySinkShared} (also {@code RedisSinkShared}): sends every request to one Valkey/Redis server over
 * backend connections that the client connections of an event loop share, like nutcracker does. Cheaper than
 * {@code ValkeySinkSingle} for many unpipelined clients, but commands that depend on connection state are refused
 * (see docs/transforms.md).
 *
 * <pre>
 * - ValkeySinkShared:
 *     remote_address: "127.0.0.1:6379"
 *     connect_timeout_ms: 3000     # default 3000
 *     # read_timeout: 60           # seconds; unset = wait forever
 *     # username: "proxy"          # AUTH sent on every shared connection
 *     # password: "secret"
 *     # connections_per_thread: 1  # backend connections per event loop, default 1
 * </pre>
 *
 * @param readTimeout          seconds to wait for a reply while requests are outstanding before failing the
 *                             connection (its outstanding requests get an error reply)
 * @param username             user the shared connections authenticate as (needs {@code password})
 * @param password             password of {@code AUTH}; without {@code username}, the default user's
 * @param connectionsPerThread backend connections per event loop; each client connection uses one of them
 */
public record ValkeySinkSharedConfig(
        String name,
        @Required String remoteAddress,
        TlsConnectorConfig tls,
        Long connectTimeoutMs,
        Long readTimeout,
        String username,
        String password,
        Long connectionsPerThread) implements TransformConfig {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;
    public static final long DEFAULT_CONNECTIONS_PER_THREAD = 1;

    public ValkeySinkSharedConfig {
        connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
        connectionsPerThread = connectionsPerThread == null ? DEFAULT_CONNECTIONS_PER_THREAD : connectionsPerThread;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new ValkeySinkSharedBuilder(this, context);
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
