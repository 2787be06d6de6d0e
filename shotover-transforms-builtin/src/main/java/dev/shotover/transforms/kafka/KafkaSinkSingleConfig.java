package dev.shotover.transforms.kafka;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Required;
import dev.shotover.runtime.config.TlsConnectorConfig;

/**
 * {@code KafkaSinkSingle}: sends every request to the Kafka broker running next to this proxy, i.e. at the IP address
 * the client connected to and port {@code destination_port}. Run one proxy per broker, each listening on the same
 * IP as its broker; the sink rewrites the broker ports in Metadata, FindCoordinator and DescribeCluster responses
 * (and in the leader endpoints of Produce and Fetch responses) to the proxy's listen port, so clients keep talking
 * through the proxies.
 *
 * <pre>
 * - KafkaSinkSingle:
 *     destination_port: 9092
 *     connect_timeout_ms: 3000   # default 3000
 *     # read_timeout: 60         # seconds; unset = wait forever
 * </pre>
 *
 * @param destinationPort the broker's port on the address the client connected to
 * @param readTimeout     seconds to wait for a response while requests are outstanding before failing the connection
 * @param tls             TLS to the broker (see {@link TlsConnectorConfig}), or null for plain TCP; with
 *                        {@code verify_hostname} the broker certificate must name the IP the client connected to
 */
public record KafkaSinkSingleConfig(
        String name,
        @Required Integer destinationPort,
        Long connectTimeoutMs,
        Long readTimeout,
        TlsConnectorConfig tls) implements TransformConfig {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;

    public KafkaSinkSingleConfig {
        connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new KafkaSinkSingleBuilder(this);
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.KAFKA);
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
