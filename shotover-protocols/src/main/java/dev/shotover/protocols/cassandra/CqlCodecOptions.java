package dev.shotover.protocols.cassandra;

import java.util.function.IntConsumer;

/**
 * Settings of the CQL codec of one source or sink.
 *
 * <p>Immutable; safe from any thread. The listener is called on the event loop of the connection it reports on.
 *
 * @param maxProtocolVersion the highest protocol version a client may use, 3..5; requests in a higher version (or
 *                           below 3, or v5 with the beta flag) get Cassandra's "Invalid or unsupported protocol
 *                           version" error so that the driver retries with a lower one. Only checked on sources.
 * @param maxFrameSize       the largest envelope accepted, header included, in bytes (after decompression); a
 *                           larger one fails the connection
 * @param versionListener    called once per connection with the protocol version of its STARTUP (on a source when
 *                           the STARTUP is decoded, on a sink when it is encoded), e.g. to count
 *                           {@code shotover_client_protocol_version_count}; may be null
 */
public record CqlCodecOptions(int maxProtocolVersion, int maxFrameSize, IntConsumer versionListener) {
    /** The lowest protocol version the codec speaks (Cassandra 4 and 5 support no lower one either). */
    public static final int MIN_PROTOCOL_VERSION = 3;
    /** The highest protocol version the codec speaks. */
    public static final int MAX_PROTOCOL_VERSION = 5;
    /** Default {@link #maxFrameSize}: 256 MiB, the frame size limit the v3 and v4 protocol specifications state. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024 * 1024;

    /** Validates the settings. */
    public CqlCodecOptions {
        if (maxProtocolVersion < MIN_PROTOCOL_VERSION || maxProtocolVersion > MAX_PROTOCOL_VERSION) {
            throw new IllegalArgumentException("maxProtocolVersion must be " + MIN_PROTOCOL_VERSION + ".."
                    + MAX_PROTOCOL_VERSION + ", was " + maxProtocolVersion);
        }
        if (maxFrameSize < CqlEnvelopes.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + CqlEnvelopes.HEADER_LENGTH
                    + " bytes, was " + maxFrameSize);
        }
    }

    /** {@return v3 to v5, 256 MiB frames, no version listener} */
    public static CqlCodecOptions defaults() {
        return new CqlCodecOptions(MAX_PROTOCOL_VERSION, DEFAULT_MAX_FRAME_SIZE, null);
    }

    /**
     * {@return these options with another maximum protocol version}
     *
     * @param version 3..5
     */
    public CqlCodecOptions withMaxProtocolVersion(int version) {
        return new CqlCodecOptions(version, maxFrameSize, versionListener);
    }

    /**
     * {@return these options with another maximum frame size}
     *
     * @param bytes the largest envelope accepted, header included
     */
    public CqlCodecOptions withMaxFrameSize(int bytes) {
        return new CqlCodecOptions(maxProtocolVersion, bytes, versionListener);
    }

    /**
     * {@return these options with a listener told each connection's protocol version}
     *
     * @param listener called once per connection, on its event loop; null for none
     */
    public CqlCodecOptions withVersionListener(IntConsumer listener) {
        return new CqlCodecOptions(maxProtocolVersion, maxFrameSize, listener);
    }
}
