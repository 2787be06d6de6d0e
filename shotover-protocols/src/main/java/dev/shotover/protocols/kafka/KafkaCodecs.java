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
        return sink(false);
    }

    /**
     * Handlers for a channel to a broker; with {@code streamLargeFetches} the decoder also emits
     * {@link KafkaResponsePart}s of large Fetch responses while they arrive, which a handler after it must take.
     */
    public static List<ChannelHandler> sink(boolean streamLargeFetches) {
        KafkaRequestTracker tracker = new KafkaRequestTracker();
        return List.of(KafkaMessageDecoder.forResponses(tracker, KafkaMessageDecoder.DEFAULT_MAX_RESPONSE_SIZE,
                        streamLargeFetches),
                KafkaMessageEncoder.forRequests(tracker));
    }
}
