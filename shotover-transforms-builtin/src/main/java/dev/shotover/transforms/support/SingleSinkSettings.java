package dev.shotover.transforms.support;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.runtime.config.TlsConnectorConfig;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.tls.TlsConnector;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings every sink to one {@code remote_address} shares ({@code ValkeySinkSingle}, {@code CassandraSinkSingle}),
 * parsed once when the topology is built: the destination, TLS, the timeouts, Shotover's error counter, and what is
 * wrong with them, in the order the fields are reported.
 *
 * <p>Immutable; shared by every connection of the sink.
 */
public final class SingleSinkSettings {
    private final HostAndPort destination;
    private final TlsConnector tls;
    private final int connectTimeoutMs;
    private final Long readTimeoutSeconds;
    private final Metrics.Counter failedRequests;
    private final List<String> problems = new ArrayList<>();

    /**
     * Parses and checks the fields.
     *
     * @param remoteAddress    {@code remote_address}
     * @param tls              {@code tls}, or null for plain TCP
     * @param connectTimeoutMs {@code connect_timeout_ms}
     * @param readTimeout      {@code read_timeout} in seconds, or null to wait forever
     * @param context          where the sink is built: its chain and name label the error counter
     */
    public SingleSinkSettings(String remoteAddress, TlsConnectorConfig tls, long connectTimeoutMs, Long readTimeout,
                              BuildContext context) {
        HostAndPort parsed = null;
        try {
            parsed = HostAndPort.parse(remoteAddress);
        } catch (IllegalArgumentException e) {
            problems.add("remote_address: " + e.getMessage());
        }
        this.destination = parsed;
        if (connectTimeoutMs < 1 || connectTimeoutMs > Integer.MAX_VALUE) {
            problems.add("connect_timeout_ms must be between 1 and " + Integer.MAX_VALUE + " but was "
                    + connectTimeoutMs);
        }
        this.connectTimeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutMs));
        if (readTimeout != null && readTimeout < 1) {
            problems.add("read_timeout must be at least 1 second but was " + readTimeout);
        }
        this.readTimeoutSeconds = readTimeout;
        TlsConnector.Setting tlsSetting = TlsConnector.setting(tls);
        this.tls = tlsSetting.connector();
        if (tlsSetting.problem() != null) {
            problems.add(tlsSetting.problem());
        }
        this.failedRequests = context.metrics().counter("shotover_failed_requests_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
    }

    /** {@return what is wrong, one sentence per field; empty when the sink can be built} */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** {@return the parsed {@code remote_address}; null when it did not parse} */
    public HostAndPort destination() {
        return destination;
    }

    /** {@return the TLS connector, or null for plain TCP} */
    public TlsConnector tls() {
        return tls;
    }

    /** {@return {@code connect_timeout_ms}} */
    public int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** {@return {@code read_timeout} in seconds, or null to wait forever} */
    public Long readTimeoutSeconds() {
        return readTimeoutSeconds;
    }

    /** {@return Shotover's {@code shotover_failed_requests_count{chain,transform}} of this sink} */
    public Metrics.Counter failedRequests() {
        return failedRequests;
    }
}
