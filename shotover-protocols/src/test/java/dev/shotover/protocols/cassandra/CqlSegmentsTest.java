package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import com.datastax.oss.protocol.internal.response.result.Void;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol v5 segments: the switch after the handshake, packing, splitting, reassembly and CRC checks. */
class CqlSegmentsTest {

    private static Message response(int streamId, com.datastax.oss.protocol.internal.Message body) {
        return Message.fromFrame(CassandraFrame.responseTo(5, streamId, body));
    }

    /** A query whose envelope is larger than one segment; random text so that LZ4 cannot shrink it below that. */
    private static byte[] largeQuery(int streamId, int length) {
        Random random = new Random(42);
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = (char) ('a' + random.nextInt(26));
        }
        return envelope(5, streamId, new Query("SELECT * FROM ks.t WHERE v = '" + new String(text) + "'"));
    }

    @ParameterizedTest
    @EnumSource(value = CqlCompression.class, names = {"NONE", "LZ4"})
    void oneSelfContainedSegmentCarriesSeveralEnvelopes(CqlCompression compression) {
        List<byte[]> envelopes = List.of(envelope(5, 1, new Query("SELECT 1")), envelope(5, 2, new Query("SELECT 2")),
                envelope(5, 3, new Query("SELECT 3")));
        try (CqlTestConnection client = CqlTestConnection.client(5, compression)) {
            client.receive(CqlWire.segment(CqlWire.concat(envelopes), true, compression == CqlCompression.LZ4));
            List<Message> requests = client.readMessages();
            assertThat(requests).extracting(m -> bytes(m.rawBytes())).containsExactlyElementsOf(envelopes);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CqlCompression.class, names = {"NONE", "LZ4"})
    void writesUntilAFlushArePackedIntoOneSegment(CqlCompression compression) {
        try (CqlTestConnection client = CqlTestConnection.client(5, compression)) {
            List<ChannelFuture> writes = new ArrayList<>();
            writes.add(client.channel.write(response(1, Void.INSTANCE)));
            writes.add(client.channel.write(response(2, new SetKeyspace("ks"))));
            writes.add(client.channel.write(response(3, Void.INSTANCE)));
            assertThat(client.channel.outboundMessages()).isEmpty();
            assertThat(writes).noneMatch(ChannelFuture::isDone);

            client.channel.flush();
            List<CqlWire.Decoded> segments = CqlWire.segments(client.readWire(), compression == CqlCompression.LZ4);
            assertThat(segments).hasSize(1);
            assertThat(segments.get(0).selfContained()).isTrue();
            assertThat(segments.get(0).payload()).isEqualTo(CqlWire.concat(List.of(envelope(5, 1, Void.INSTANCE),
                    envelope(5, 2, new SetKeyspace("ks")), envelope(5, 3, Void.INSTANCE))));
            assertThat(writes).allMatch(ChannelFuture::isSuccess);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CqlCompression.class, names = {"NONE", "LZ4"})
    void anEnvelopeLargerThanASegmentIsSplitAndReassembled(CqlCompression compression) {
        boolean lz4 = compression == CqlCompression.LZ4;
        byte[] large = largeQuery(9, 300_000);
        byte[] small = envelope(5, 10, new Query("SELECT 1"));
        try (CqlTestConnection client = CqlTestConnection.client(5, compression);
             CqlTestConnection server = CqlTestConnection.server(5, compression)) {
            client.receive(CqlWire.concat(List.of(
                    CqlWire.segment(Arrays.copyOfRange(large, 0, CqlSegments.MAX_PAYLOAD_LENGTH), false, lz4),
                    CqlWire.segment(Arrays.copyOfRange(large, CqlSegments.MAX_PAYLOAD_LENGTH,
                            2 * CqlSegments.MAX_PAYLOAD_LENGTH), false, lz4),
                    CqlWire.segment(Arrays.copyOfRange(large, 2 * CqlSegments.MAX_PAYLOAD_LENGTH, large.length), false,
                            lz4),
                    CqlWire.segment(small, true, lz4))));
            List<Message> requests = client.readMessages();
            assertThat(requests).hasSize(2);
            assertThat(bytes(requests.get(0).rawBytes())).isEqualTo(large);
            assertThat(bytes(requests.get(1).rawBytes())).isEqualTo(small);

            ChannelFuture write = server.channel.writeOneOutbound(requests.get(0));
            server.channel.writeOutbound(requests.get(1));
            assertThat(write.isSuccess()).isTrue();
            List<CqlWire.Decoded> segments = CqlWire.segments(server.readWire(), lz4);
            assertThat(segments).extracting(CqlWire.Decoded::selfContained).containsExactly(false, false, false, true);
            assertThat(segments).extracting(s -> s.payload().length).containsExactly(CqlSegments.MAX_PAYLOAD_LENGTH,
                    CqlSegments.MAX_PAYLOAD_LENGTH, large.length - 2 * CqlSegments.MAX_PAYLOAD_LENGTH, small.length);
            assertThat(CqlWire.concat(segments.subList(0, 3).stream().map(CqlWire.Decoded::payload).toList()))
                    .isEqualTo(large);
        }
    }

    /**
     * The Java driver 4.19 flags every envelope of a compressed v5 connection as compressed although only the
     * segment is (Cassandra ignores the flag): such envelopes are read, with the flag cleared in the message.
     */
    @ParameterizedTest
    @EnumSource(value = CqlCompression.class, names = {"NONE", "LZ4"})
    void aCompressionFlagOnAnEnvelopeInsideASegmentIsIgnoredAndCleared(CqlCompression compression) {
        byte[] first = envelope(5, 1, new Query("SELECT 1"));
        byte[] second = envelope(5, 2, new Query("SELECT 2"));
        byte[] flaggedFirst = first.clone();
        flaggedFirst[1] |= 0x01;
        byte[] flaggedSecond = second.clone();
        flaggedSecond[1] |= 0x01;
        try (CqlTestConnection client = CqlTestConnection.client(5, compression)) {
            client.receive(CqlWire.segment(CqlWire.concat(List.of(flaggedFirst, flaggedSecond)), true,
                    compression == CqlCompression.LZ4));
            List<Message> requests = client.readMessages();
            assertThat(requests).extracting(m -> bytes(m.rawBytes())).containsExactly(first, second);
            assertThat(requests.get(1).frame(CassandraFrame.class).message()).isInstanceOf(Query.class);
        }
    }

    @Test
    void aBadHeaderCrcFailsTheConnectionAndDiscardsTheRest() {
        byte[] segment = CqlWire.segment(envelope(5, 1, new Query("SELECT 1")), true, false);
        segment[4] ^= 0x01; // inside the CRC24
        try (CqlTestConnection client = CqlTestConnection.client(5, CqlCompression.NONE)) {
            assertThatThrownBy(() -> client.receive(segment)).isInstanceOf(DecoderException.class)
                    .hasMessageContaining("CRC mismatch on a v5 segment header");
            client.receive(CqlWire.segment(envelope(5, 2, new Query("SELECT 2")), true, false));
            assertThat(client.readMessages()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CqlCompression.class, names = {"NONE", "LZ4"})
    void aBadPayloadCrcFailsTheConnection(CqlCompression compression) {
        boolean lz4 = compression == CqlCompression.LZ4;
        byte[] good = CqlWire.segment(envelope(5, 1, new Query("SELECT 1")), true, lz4);
        byte[] bad = CqlWire.segment(envelope(5, 2, new Query("SELECT 2")), true, lz4);
        bad[CqlSegments.headerLength(lz4) + 3] ^= 0x40; // a payload byte
        try (CqlTestConnection client = CqlTestConnection.client(5, compression)) {
            assertThatThrownBy(() -> client.receive(CqlWire.concat(List.of(good, bad))))
                    .isInstanceOf(DecoderException.class).hasMessageContaining("CRC mismatch on a v5 segment payload");
            // the envelope before the corruption still went through
            assertThat(client.readMessages()).hasSize(1);
        }
    }

    @Test
    void segmentsArriveWholeWhenFedOneByteAtATime() {
        byte[] first = envelope(5, 1, new Query("SELECT 1"));
        byte[] second = envelope(5, 2, new Query("SELECT 2"));
        byte[] wire = CqlWire.concat(List.of(CqlWire.segment(first, true, true), CqlWire.segment(second, true, true)));
        int firstSegmentEnd = wire.length - CqlWire.segment(second, true, true).length;
        try (CqlTestConnection client = CqlTestConnection.client(5, CqlCompression.LZ4)) {
            for (int i = 0; i < wire.length; i++) {
                client.channel.writeInbound(Unpooled.wrappedBuffer(wire, i, 1));
                List<Message> read = client.readMessages();
                if (i == firstSegmentEnd - 1) {
                    assertThat(read).extracting(m -> bytes(m.rawBytes())).containsExactly(first);
                } else if (i == wire.length - 1) {
                    assertThat(read).extracting(m -> bytes(m.rawBytes())).containsExactly(second);
                } else {
                    assertThat(read).as("after byte %d", i).isEmpty();
                }
            }
        }
    }

    @Test
    void aLargeEnvelopeArrivesWholeWhateverTheReadBoundaries() {
        byte[] large = largeQuery(1, 135_000);
        byte[] wire = CqlWire.concat(List.of(
                CqlWire.segment(Arrays.copyOfRange(large, 0, CqlSegments.MAX_PAYLOAD_LENGTH), false, true),
                CqlWire.segment(Arrays.copyOfRange(large, CqlSegments.MAX_PAYLOAD_LENGTH, large.length), false, true)));
        try (CqlTestConnection client = CqlTestConnection.client(5, CqlCompression.LZ4)) {
            int chunk = 997;
            for (int i = 0; i < wire.length; i += chunk) {
                assertThat(client.readMessages()).isEmpty();
                client.channel.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(chunk, wire.length - i)));
            }
            List<Message> requests = client.readMessages();
            assertThat(requests).hasSize(1);
            assertThat(bytes(requests.get(0).rawBytes())).isEqualTo(large);
        }
    }

    @Test
    void aClientConnectionSwitchesToSegmentsOnceItsEncoderWritesReady() {
        try (CqlTestConnection client = CqlTestConnection.client(5, CqlCompression.NONE)) {
            // the READY itself went out as a plain envelope (checked by the helper); now envelopes are refused
            byte[] plain = envelope(5, 1, new Query("SELECT 1"));
            assertThatThrownBy(() -> client.receive(plain)).isInstanceOf(DecoderException.class)
                    .hasMessageContaining("CRC mismatch");
        }
    }

    @Test
    void authenticateAlsoSwitchesBothDirectionsToSegments() {
        try (CqlTestConnection server = CqlTestConnection.server(5, CqlCompression.NONE,
                new Authenticate("org.apache.cassandra.auth.PasswordAuthenticator"))) {
            server.channel.writeOutbound(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(5, 1,
                    new AuthResponse(ByteBuffer.wrap(new byte[] {0, 'u', 0, 'p'}))))));
            List<CqlWire.Decoded> segments = CqlWire.segments(server.readWire(), false);
            assertThat(segments).hasSize(1);
            assertThat(CqlWire.opcode(segments.get(0).payload())).isEqualTo(0x0F);
        }
    }

    @Test
    void aV4ConnectionNeverSwitches() {
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.NONE)) {
            byte[] plain = envelope(4, 1, new Query("SELECT 1"));
            client.receive(plain);
            assertThat(client.readMessages()).hasSize(1);
            client.channel.writeOutbound(Message.fromFrame(CassandraFrame.responseTo(4, 1, new Ready())));
            assertThat(client.readWire()).isEqualTo(envelope(4, 1, new Ready()));
        }
    }

    @Test
    void buffersWaitingForAFlushAreReleasedWhenTheChannelCloses() {
        CqlTestConnection client = CqlTestConnection.client(5, CqlCompression.NONE);
        ChannelFuture write = client.channel.write(response(1, Void.INSTANCE));
        client.channel.close();
        assertThat(write.isDone()).isTrue();
        assertThat(write.isSuccess()).isFalse();
        client.close();
    }
}
