package dev.shotover.runtime.config;

import dev.shotover.api.Protocol;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import dev.shotover.protocols.cassandra.CqlCodecOptions;
import java.util.List;

/**
 * The {@code Cassandra} source: listens for CQL drivers (native protocol v3, v4 and v5). Shotover's fields, plus
 * {@code max_protocol_version}: a driver asking for a newer version is told to downgrade, as a real server does.
 *
 * <pre>
 * sources:
 *   - Cassandra:
 *       name: "cassandra"
 *       listen_addr: "127.0.0.1:9042"
 *       chain:
 *         - CassandraSinkSingle:
 *             remote_address: "127.0.0.1:9043"
 *             connect_timeout_ms: 3000
 * </pre>
 *
 * @param transport          Shotover's {@code transport}; only {@code Tcp} exists
 * @param maxProtocolVersion the newest protocol version offered to drivers (3, 4 or 5; default 5)
 */
@ConfigName("Cassandra")
public record CassandraSourceConfig(
        String name,
        @Required String listenAddr,
        Integer connectionLimit,
        Boolean hardConnectionLimit,
        TlsAcceptorConfig tls,
        Long timeout,
        Transport transport,
        Integer maxProtocolVersion,
        @Required List<TransformConfig> chain) implements SourceConfig {

    /** How clients connect; Shotover once had WebSocket, now only TCP. */
    public enum Transport { TCP }

    public CassandraSourceConfig {
        name = name == null ? "cassandra" : name;
        connectionLimit = SourceDefaults.connectionLimit(connectionLimit);
        hardConnectionLimit = SourceDefaults.hardConnectionLimit(hardConnectionLimit);
        transport = transport == null ? Transport.TCP : transport;
        maxProtocolVersion = maxProtocolVersion == null ? CqlCodecOptions.MAX_PROTOCOL_VERSION : maxProtocolVersion;
        if (maxProtocolVersion < CqlCodecOptions.MIN_PROTOCOL_VERSION
                || maxProtocolVersion > CqlCodecOptions.MAX_PROTOCOL_VERSION) {
            throw new IllegalArgumentException("max_protocol_version must be between "
                    + CqlCodecOptions.MIN_PROTOCOL_VERSION + " and " + CqlCodecOptions.MAX_PROTOCOL_VERSION
                    + ", not " + maxProtocolVersion);
        }
        chain = List.copyOf(chain);
    }

    @Override
    public Protocol protocol() {
        return Protocol.CASSANDRA;
    }
}
