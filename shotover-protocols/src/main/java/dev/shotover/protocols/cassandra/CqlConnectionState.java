package dev.shotover.protocols.cassandra;

import java.util.function.IntConsumer;

/**
 * What the decoder and the encoder of one CQL connection agree on: the protocol version and compression chosen by
 * the STARTUP request, and whether the connection has switched to v5 segments.
 *
 * <p>Which handler learns what depends on the side. On a source (client connection) the decoder reads the STARTUP
 * and the encoder writes the READY or AUTHENTICATE answering it; on a sink (backend connection) the encoder writes
 * the STARTUP and the decoder reads the answer. A v5 connection frames everything after that answer in segments, in
 * both directions.
 *
 * <p><b>Threading.</b> Not thread-safe: both handlers of a channel run on its event loop.
 */
public final class CqlConnectionState {
    private final IntConsumer versionListener;
    private int version;
    private CqlCompression compression = CqlCompression.NONE;
    private boolean segments;
    private boolean handshakeDone;
    private CqlFrameParser requestParser = CqlFrameParser.INSTANCE;

    CqlConnectionState(IntConsumer versionListener) {
        this.versionListener = versionListener;
    }

    /** {@return the version of the STARTUP, or 0 before it} */
    public int version() {
        return version;
    }

    /** {@return the compression the STARTUP asked for (NONE before it)} */
    public CqlCompression compression() {
        return compression;
    }

    /** {@return true once a v5 connection exchanged READY or AUTHENTICATE: everything is framed in segments} */
    public boolean usesSegments() {
        return segments;
    }

    /** {@return true when envelope bodies are compressed one by one (v3/v4 with LZ4 or Snappy)} */
    boolean compressesEnvelopes() {
        return compression != CqlCompression.NONE && !segments && version < 5;
    }

    /**
     * Records a STARTUP. Once the server answered one, later STARTUPs change nothing (Cassandra does not renegotiate
     * either); until then the latest counts, since a client may retry after an error. The version listener hears
     * about the first one only.
     */
    void startup(int startupVersion, CqlCompression startupCompression) {
        if (handshakeDone) {
            return;
        }
        boolean first = version == 0;
        version = startupVersion;
        compression = startupCompression;
        if (first && versionListener != null) {
            versionListener.accept(startupVersion);
        }
    }

    /** {@return the keyspace a {@code USE} made current on this connection, or null} */
    public String keyspace() {
        return requestParser.keyspace();
    }

    /**
     * {@return the parser for requests arriving now: it gives their frames the connection's current keyspace} One
     * parser per keyspace change, so requests cost no allocation for this.
     */
    CqlFrameParser requestParser() {
        return requestParser;
    }

    /** Records that the server confirmed a {@code USE}: later requests are in {@code keyspace}. */
    void keyspaceSet(String keyspace) {
        if (!keyspace.equals(requestParser.keyspace())) {
            requestParser = CqlFrameParser.inKeyspace(keyspace);
        }
    }

    /** Records the server's answer to STARTUP (READY or AUTHENTICATE) in protocol {@code answerVersion}. */
    void handshakeAnswered(int answerVersion) {
        if (handshakeDone) {
            return;
        }
        handshakeDone = true;
        if (answerVersion >= 5) {
            segments = true;
        }
    }

    @Override
    public String toString() {
        return "CqlConnectionState{v" + version + " " + compression + (segments ? " segments" : "") + "}";
    }
}
