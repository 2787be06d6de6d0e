package dev.shotover.protocols.kafka;

import io.netty.channel.ChannelHandler;
import java.util.List;

/**
 * The Netty handlers of the Kafka codec, in pipeline order (decoder, then encoder), made fresh for each channel.
 *
 * <p>Stateless; safe from any thread.
 */
public final class KafkaCodecs {
    private KafkaCodecs() {
    }

    /** Handlers for a channel where clients send requests, with the default maximum request size. */
    public static List<ChannelHandler> source() {
        return source(KafkaMessageDecoder.DEFAULT_MAX_REQUEST_SIZE);
    }

    /** Handlers for a client channel; requests larger than {@code maxRequestSize} bytes close the connection. */
    public static List<ChannelHandler> source(int maxRequestSize) {
        return List.of(KafkaMessageDecoder.forRequests(maxRequestSize), KafkaMessageEncoder.RESPONSES);
    }

    /** Handlers for a channel to a broker: the encoder tells the decoder which request each response answers. */
    public static List<ChannelHandler> sink() {
        KafkaRequestTracker tracker = new KafkaRequestTracker();
        return List.of(KafkaMessageDecoder.forResponses(tracker, KafkaMessageDecoder.DEFAULT_MAX_RESPONSE_SIZE),
                KafkaMessageEncoder.forRequests(tracker));
    }
}
