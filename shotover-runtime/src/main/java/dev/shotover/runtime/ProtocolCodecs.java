package dev.shotover.runtime;

import dev.shotover.api.Protocol;
import dev.shotover.protocols.cassandra.CassandraCodecs;
import dev.shotover.protocols.cassandra.CqlCodecOptions;
import dev.shotover.protocols.kafka.KafkaCodecs;
import dev.shotover.protocols.valkey.ValkeyMessageDecoder;
import dev.shotover.protocols.valkey.ValkeyMessageEncoder;
import dev.shotover.runtime.config.CassandraSourceConfig;
import dev.shotover.runtime.config.SourceConfig;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.netty.channel.ChannelHandler;
import java.util.List;

/** The Netty codec handlers of each protocol, for client-facing and backend-facing channels. */
public final class ProtocolCodecs {
    private ProtocolCodecs() {
    }

    /** Decoder and encoder for a channel where clients send requests, with each protocol's default settings. */
    public static List<ChannelHandler> source(Protocol protocol) {
        return switch (protocol) {
            case VALKEY -> List.of(new ValkeyMessageDecoder(), new ValkeyMessageEncoder());
            case KAFKA -> KafkaCodecs.source();
            case CASSANDRA -> CassandraCodecs.source();
        };
    }

    /**
     * Decoder and encoder for a client channel of {@code source}: its protocol settings, and the count of protocol
     * versions clients negotiate ({@code shotover_client_protocol_version_count{version="v4"}}, as Shotover).
     */
    public static List<ChannelHandler> source(SourceConfig source, ProxyMetrics metrics) {
        if (source instanceof CassandraSourceConfig cassandra) {
            return CassandraCodecs.source(CqlCodecOptions.defaults()
                    .withMaxProtocolVersion(cassandra.maxProtocolVersion())
                    .withVersionListener(version -> metrics.counter("shotover_client_protocol_version_count",
                            "version", "v" + version).increment()));
        }
        return source(source.protocol());
    }

    /** Decoder and encoder for a channel to a backend. */
    public static List<ChannelHandler> sink(Protocol protocol) {
        return switch (protocol) {
            case VALKEY -> List.of(new ValkeyMessageDecoder(), new ValkeyMessageEncoder());
            // the pair shares which requests await a response: Kafka responses are decoded with their request's version
            case KAFKA -> KafkaCodecs.sink();
            // the pair shares what STARTUP negotiated: compression, and for v5 the switch to segments
            case CASSANDRA -> CassandraCodecs.sink();
        };
    }
}
