package dev.shotover.runtime;

import dev.shotover.api.Protocol;
import dev.shotover.protocols.kafka.KafkaCodecs;
import dev.shotover.protocols.valkey.ValkeyMessageDecoder;
import dev.shotover.protocols.valkey.ValkeyMessageEncoder;
import io.netty.channel.ChannelHandler;
import java.util.List;

/** The Netty codec handlers of each protocol, for client-facing and backend-facing channels. */
public final class ProtocolCodecs {
    private ProtocolCodecs() {
    }

    /** Decoder and encoder for a channel where clients send requests. */
    public static List<ChannelHandler> source(Protocol protocol) {
        return switch (protocol) {
            case VALKEY -> List.of(new ValkeyMessageDecoder(), new ValkeyMessageEncoder());
            case KAFKA -> KafkaCodecs.source();
            case CASSANDRA -> throw new UnsupportedOperationException(protocol + " sources are not implemented yet");
        };
    }

    /** Decoder and encoder for a channel to a backend. */
    public static List<ChannelHandler> sink(Protocol protocol) {
        return switch (protocol) {
            case VALKEY -> List.of(new ValkeyMessageDecoder(), new ValkeyMessageEncoder());
            // the pair shares which requests await a response: Kafka responses are decoded with their request's version
            case KAFKA -> KafkaCodecs.sink();
            case CASSANDRA -> throw new UnsupportedOperationException(protocol + " sinks are not implemented yet");
        };
    }
}
