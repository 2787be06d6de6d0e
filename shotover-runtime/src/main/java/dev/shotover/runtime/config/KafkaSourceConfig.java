package dev.shotover.runtime.config;

import dev.shotover.api.Protocol;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import java.util.List;

/**
 * The {@code Kafka} source: listens for Kafka clients. Same fields as the Valkey source (Shotover's
 * {@code KafkaConfig}); {@code tls} is rejected when the topology is built until client TLS is supported.
 *
 * <pre>
 * sources:
 *   - Kafka:
 *       name: "kafka"
 *       listen_addr: "127.0.0.1:9192"
 *       chain:
 *         - KafkaSinkSingle:
 *             destination_port: 9092
 * </pre>
 */
@ConfigName("Kafka")
public record KafkaSourceConfig(
        String name,
        @Required String listenAddr,
        Integer connectionLimit,
        Boolean hardConnectionLimit,
        TlsAcceptorConfig tls,
        Long timeout,
        @Required List<TransformConfig> chain) implements SourceConfig {

    public KafkaSourceConfig {
        name = name == null ? "kafka" : name;
        connectionLimit = SourceDefaults.connectionLimit(connectionLimit);
        hardConnectionLimit = SourceDefaults.hardConnectionLimit(hardConnectionLimit);
        chain = List.copyOf(chain);
    }

    @Override
    public Protocol protocol() {
        return Protocol.KAFKA;
    }
}
