package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.response.Ready;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of a CQL connection in an {@link EmbeddedChannel}, with the peer simulated by {@link CqlWire}: "client"
 * means the codec faces a client (decodes requests, encodes responses), "server" means it faces a Cassandra node.
 * Releases everything it touched on {@link #close()}.
 */
final class CqlTestConnection implements AutoCloseable {
    final EmbeddedChannel channel;
    final boolean clientSide;
    final int version;
    final CqlCompression compression;
    private final List<Message> messages = new ArrayList<>();

    private CqlTestConnection(List<ChannelHandler> handlers, boolean clientSide, int version,
                              CqlCompression compression) {
        this.channel = new EmbeddedChannel(handlers.toArray(ChannelHandler[]::new));
        this.clientSide = clientSide;
        this.version = version;
        this.compression = compression;
    }

    /** A client-facing codec after STARTUP (asking for {@code compression}) and READY. */
    static CqlTestConnection client(int version, CqlCompression compression) {
        return client(version, compression, CqlCodecOptions.defaults());
    }

    static CqlTestConnection client(int version, CqlCompression compression, CqlCodecOptions options) {
        CqlTestConnection c = new CqlTestConnection(CassandraCodecs.source(options), true, version, compression);
        c.channel.writeInbound(Unpooled.wrappedBuffer(envelope(version, 0, CqlSamples.startup(compression))));
        assertThat(c.readMessages()).hasSize(1);
        c.channel.writeOutbound(Message.fromFrame(CassandraFrame.responseTo(version, 0, new Ready())));
        byte[] ready = c.readWire();
        // Cassandra compresses the READY of a v3/v4 connection; v5 answers in a plain envelope
        assertThat(CqlWire.flags(ready) & 1).isEqualTo(version < 5 && compression != CqlCompression.NONE ? 1 : 0);
        return c;
    }

    /** A backend-facing codec after it wrote STARTUP and read READY. */
    static CqlTestConnection server(int version, CqlCompression compression) {
        return server(version, compression, new Ready());
    }

    /** A backend-facing codec after it wrote STARTUP and read {@code answer} (READY or AUTHENTICATE). */
    static CqlTestConnection server(int version, CqlCompression compression,
                                    com.datastax.oss.protocol.internal.Message answer) {
        return server(version, compression, answer, null);
    }

    /**
     * A backend-facing codec whose encoder writes requests with the stream ids of {@code streamIds} (when not
     * null; the STARTUP goes out with 0), after it wrote STARTUP and read {@code answer}.
     */
    static CqlTestConnection server(int version, CqlCompression compression,
                                    com.datastax.oss.protocol.internal.Message answer, CqlStreamIdQueue streamIds) {
        CqlTestConnection c = new CqlTestConnection(streamIds == null ? CassandraCodecs.sink()
                : CassandraCodecs.sink(CqlCodecOptions.defaults(), streamIds), false, version, compression);
        if (streamIds != null) {
            streamIds.add(0);
        }
        c.channel.writeOutbound(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(version, 0,
                CqlSamples.startup(compression)))));
        assertThat(c.readWire()).isEqualTo(envelope(version, 0, CqlSamples.startup(compression)));
        byte[] ready = envelope(version, 0, answer);
        c.channel.writeInbound(Unpooled.wrappedBuffer(version < 5 && compression != CqlCompression.NONE
                ? CqlWire.compressEnvelope(ready, compression) : ready));
        assertThat(c.readMessages()).hasSize(1);
        return c;
    }

    boolean segments() {
        return version >= 5;
    }

    boolean lz4() {
        return compression == CqlCompression.LZ4;
    }

    /** {@return what the peer sends for these envelopes, once the handshake is over} */
    byte[] wireOf(List<byte[]> envelopes) {
        if (segments()) {
            return CqlWire.segment(CqlWire.concat(envelopes), true, lz4());
        }
        List<byte[]> wire = new ArrayList<>();
        for (byte[] e : envelopes) {
            wire.add(compression != CqlCompression.NONE && CqlWire.compressible(e)
                    ? CqlWire.compressEnvelope(e, compression) : e);
        }
        return CqlWire.concat(wire);
    }

    /** Feeds bytes to the decoder. */
    void receive(byte[] wire) {
        channel.writeInbound(Unpooled.wrappedBuffer(wire));
    }

    /** Decoded messages so far; released on close. */
    List<Message> readMessages() {
        List<Message> read = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            Message m = (Message) o;
            read.add(m);
            messages.add(m);
        }
        return read;
    }

    /** Everything the encoder wrote so far, as bytes (the buffers are released). */
    byte[] readWire() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) o;
            out.writeBytes(bytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    /** The uncompressed envelopes the encoder wrote so far. */
    List<byte[]> readEnvelopes() {
        byte[] wire = readWire();
        return segments() ? CqlWire.envelopesInSegments(wire, lz4()) : CqlWire.envelopes(wire, compression);
    }

    @Override
    public void close() {
        messages.forEach(Message::release);
        channel.finishAndReleaseAll();
    }
}
