package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.response.Error;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests in a version the proxy does not accept get Cassandra's answer, and the connection closes. */
class CqlVersionNegotiationTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Integer> versionsSeen = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel source(int maxVersion) {
        List<ChannelHandler> handlers = CassandraCodecs.source(CqlCodecOptions.defaults()
                .withMaxProtocolVersion(maxVersion).withVersionListener(versionsSeen::add));
        EmbeddedChannel channel = new EmbeddedChannel(handlers.toArray(ChannelHandler[]::new));
        channels.add(channel);
        return channel;
    }

    /** The reply the codec wrote, as bytes; the channel must have no decoded message. */
    private static byte[] reply(EmbeddedChannel channel) {
        Object decoded = channel.readInbound();
        assertThat(decoded).isNull();
        ByteBuf out = channel.readOutbound();
        assertThat(out).isNotNull();
        try {
            return bytes(out);
        } finally {
            out.release();
        }
    }

    private static Error parseError(byte[] reply) {
        ByteBuf buf = Unpooled.wrappedBuffer(reply);
        try {
            CassandraFrame frame = CqlFrameParser.INSTANCE.parse(buf);
            assertThat(frame.streamId()).isZero();
            return (Error) frame.message();
        } finally {
            buf.release();
        }
    }

    @Test
    void aVersionAboveTheMaximumIsAnsweredInTheMaximumAndTheConnectionCloses() {
        EmbeddedChannel channel = source(5);
        channel.writeInbound(Unpooled.wrappedBuffer(envelope(6, 0, Options.INSTANCE)));
        byte[] reply = reply(channel);
        assertThat(reply[0] & 0xFF).isEqualTo(0x85);
        Error error = parseError(reply);
        assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
        assertThat(error.message).isEqualTo(
                "Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, 5/v5)");
        assertThat(channel.isOpen()).isFalse();
        assertThat(versionsSeen).isEmpty();
    }

    @Test
    void theListFollowsTheConfiguredMaximum() {
        EmbeddedChannel channel = source(4);
        channel.writeInbound(Unpooled.wrappedBuffer(envelope(5, 0, CqlSamples.startup(CqlCompression.NONE))));
        byte[] reply = reply(channel);
        assertThat(reply[0] & 0xFF).isEqualTo(0x84);
        assertThat(parseError(reply).message).isEqualTo(
                "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void v5WithTheBetaFlagIsADraftAndIsAnsweredInV4() {
        EmbeddedChannel channel = source(5);
        byte[] request = envelope(5, 0, Options.INSTANCE);
        request[1] |= ProtocolConstants.FrameFlag.USE_BETA;
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        byte[] reply = reply(channel);
        assertThat(reply[0] & 0xFF).isEqualTo(0x84);
        assertThat(parseError(reply).message).startsWith("Invalid or unsupported protocol version (5);");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void v1AndV2AreAnsweredInTheirOwnShortHeaderFromTheFirstByte() {
        for (int version = 1; version <= 2; version++) {
            EmbeddedChannel channel = source(5);
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) version}));
            byte[] reply = reply(channel);
            String text = "Invalid or unsupported protocol version (" + version
                    + "); supported versions are (3/v3, 4/v4, 5/v5)";
            ByteBuffer expected = ByteBuffer.allocate(8 + 4 + 2 + text.length());
            expected.put((byte) (0x80 | version)).put((byte) 0).put((byte) 0).put((byte) 0)
                    .putInt(4 + 2 + text.length()).putInt(0x000A).putShort((short) text.length())
                    .put(text.getBytes(StandardCharsets.UTF_8));
            assertThat(reply).isEqualTo(expected.array());
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void bytesAfterTheRejectedRequestAreDiscarded() {
        EmbeddedChannel channel = source(4);
        byte[] rejected = envelope(5, 0, Options.INSTANCE);
        byte[] next = envelope(4, 1, Options.INSTANCE);
        channel.writeInbound(Unpooled.wrappedBuffer(CqlWire.concat(List.of(rejected, next))));
        reply(channel);
        Object more = channel.readOutbound();
        assertThat(more).isNull();
    }

    @Test
    void anAcceptedVersionIsReportedOnceAtStartup() {
        EmbeddedChannel channel = source(5);
        channel.writeInbound(Unpooled.wrappedBuffer(envelope(4, 0, Options.INSTANCE)));
        assertThat(versionsSeen).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(envelope(4, 1, CqlSamples.startup(CqlCompression.NONE))));
        channel.writeInbound(Unpooled.wrappedBuffer(envelope(4, 2, CqlSamples.query("SELECT 1"))));
        List<Object> read = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            read.add(o);
            ((Message) o).release();
        }
        assertThat(read).hasSize(3);
        assertThat(versionsSeen).containsExactly(4);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void replyVersionRule() {
        assertThat(CqlVersionNegotiation.replyVersion(6, false, 5)).isEqualTo(5);
        assertThat(CqlVersionNegotiation.replyVersion(65, false, 4)).isEqualTo(4);
        assertThat(CqlVersionNegotiation.replyVersion(5, true, 5)).isEqualTo(4);
        assertThat(CqlVersionNegotiation.replyVersion(2, false, 5)).isEqualTo(2);
        assertThat(CqlVersionNegotiation.replyVersion(0, false, 5)).isEqualTo(3);
    }
}
