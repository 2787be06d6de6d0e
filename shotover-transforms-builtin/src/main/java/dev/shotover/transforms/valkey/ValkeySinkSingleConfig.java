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
 * {@code ValkeySinkSingle} (also {@code RedisSinkSingle}): sends every request to one Valkey/Redis server.
 *
 * <pre>
 * - ValkeySinkSingle:
 *     remote_address: "127.0.0.1:6379"
 *     connect_timeout_ms: 3000   # default 3000
 *     # read_timeout: 60         # seconds; unset = wait forever
 * </pre>
 *
 * @param readTimeout seconds to wait for a response while requests are outstanding before failing the connection
 */
public record ValkeySinkSingleConfig(
        String name,
        @Required String remoteAddress,
        TlsConnectorConfig tls,
        Long connectTimeoutMs,
        Long readTimeout) implements TransformConfig {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;

    public ValkeySinkSingleConfig {
        connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new ValkeySinkSingleBuilder(this, context);
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
