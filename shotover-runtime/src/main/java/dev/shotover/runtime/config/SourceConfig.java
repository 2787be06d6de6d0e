package dev.shotover.runtime.config;

import dev.shotover.api.Protocol;
import dev.shotover.api.TransformConfig;
import java.util.List;

/**
 * One entry of {@code sources:}. In YAML each is a single-key map naming the source type:
 * {@code - Valkey: {name: ..., listen_addr: ..., chain: [...]}}.
 */
public sealed interface SourceConfig permits ValkeySourceConfig, CassandraSourceConfig, KafkaSourceConfig {
    /** Shotover's default for {@code connection_limit}. */
    int DEFAULT_CONNECTION_LIMIT = 512;

    Protocol protocol();

    /** The source name: the root chain's name and the {@code source} label of metrics. */
    String name();

    /** {@code ip:port}; port 0 binds an ephemeral port. */
    String listenAddr();

    /** Maximum concurrent connections (default 512; never null once constructed). */
    Integer connectionLimit();

    /** When true, the listener closes while the limit is reached; when false, new connections wait. */
    Boolean hardConnectionLimit();

    /** Client TLS, or null for plain TCP. */
    TlsAcceptorConfig tls();

    /** Seconds a connection may be idle before it is closed, or null for never. */
    Long timeout();

    List<TransformConfig> chain();
}
