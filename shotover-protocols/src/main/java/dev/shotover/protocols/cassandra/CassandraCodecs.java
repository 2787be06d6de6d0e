package dev.shotover.protocols.cassandra;

import io.netty.channel.ChannelHandler;
import java.util.List;

/**
 * The Netty handlers of the CQL codec, in pipeline order (decoder, then encoder), made fresh for each channel: the
 * pair shares the channel's {@link CqlConnectionState} (negotiated version, compression, v5 segments).
 *
 * <p>Stateless; safe from any thread.
 */
public final class CassandraCodecs {
    private CassandraCodecs() {
    }

    /** {@return handlers for a channel where clients send requests, with the default options} */
    public static List<ChannelHandler> source() {
        return source(CqlCodecOptions.defaults());
    }

    /**
     * {@return handlers for a client channel}
     *
     * @param options the highest accepted protocol version, the frame size limit and the version listener
     */
    public static List<ChannelHandler> source(CqlCodecOptions options) {
        CqlConnectionState state = new CqlConnectionState(options.versionListener());
        return List.of(CqlMessageDecoder.forRequests(state, options), CqlMessageEncoder.forResponses(state));
    }

    /** {@return handlers for a channel to a Cassandra node, with the default options} */
    public static List<ChannelHandler> sink() {
        return sink(CqlCodecOptions.defaults());
    }

    /**
     * {@return handlers for a channel to a Cassandra node}
     *
     * @param options the frame size limit and the version listener (the maximum protocol version is not checked on
     *                backend channels: the client already chose the version)
     */
    public static List<ChannelHandler> sink(CqlCodecOptions options) {
        CqlConnectionState state = new CqlConnectionState(options.versionListener());
        return List.of(CqlMessageDecoder.forResponses(state, options), CqlMessageEncoder.forRequests(state));
    }

    /**
     * {@return handlers for a channel to a Cassandra node whose requests are written with the stream ids the sink
     * queues in {@code streamIds}, one per request in write order (the requests' own bytes are not changed)}
     *
     * @param options   as for {@link #sink(CqlCodecOptions)}
     * @param streamIds filled by the sink, emptied by the encoder; confined to the channel's event loop
     */
    public static List<ChannelHandler> sink(CqlCodecOptions options, CqlStreamIdQueue streamIds) {
        CqlConnectionState state = new CqlConnectionState(options.versionListener());
        return List.of(CqlMessageDecoder.forResponses(state, options),
                CqlMessageEncoder.forRequests(state, streamIds));
    }
}
