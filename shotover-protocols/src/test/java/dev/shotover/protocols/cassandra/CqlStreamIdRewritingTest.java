package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.response.Ready;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backend-facing encoder with a {@link CqlStreamIdQueue}: every request goes out with the queued stream id, in
 * every framing, while the request's own bytes stay as they were; what it gathers goes out on flush.
 */
class CqlStreamIdRewritingTest {

    static Stream<Arguments> connections() {
        return Stream.of(Arguments.of(3, CqlCompression.NONE), Arguments.of(4, CqlCompression.NONE),
                Arguments.of(4, CqlCompression.LZ4), Arguments.of(4, CqlCompression.SNAPPY),
                Arguments.of(5, CqlCompression.NONE), Arguments.of(5, CqlCompression.LZ4));
    }

    private static CqlTestConnection server(int version, CqlCompression compression, CqlStreamIdQueue ids) {
        return CqlTestConnection.server(version, compression, new Ready(), ids);
    }

    /** A query of about {@code length} bytes of random text (LZ4 cannot shrink it much). */
    private static byte[] queryOfSize(int version, int streamId, int length) {
        Random random = new Random(length);
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = (char) ('a' + random.nextInt(26));
        }
        return envelope(version, streamId, new Query("SELECT * FROM ks.t WHERE v = '" + new String(text) + "'"));
    }

    private static byte[] withStreamId(byte[] envelope, int streamId) {
        byte[] patched = envelope.clone();
        patched[2] = (byte) (streamId >> 8);
        patched[3] = (byte) streamId;
        return patched;
    }

    private static Message raw(byte[] envelope) {
        return Message.fromRaw(Protocol.CASSANDRA, Unpooled.wrappedBuffer(envelope), CqlFrameParser.INSTANCE, 0);
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("connections")
    void requestsGoOutWithTheQueuedStreamIdsAndKeepTheirOwnBytes(int version, CqlCompression compression) {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        // small ones (copied), one above the copy limit (a slice on v3/v4), one larger than a v5 segment
        List<byte[]> envelopes = List.of(envelope(version, 1, new Query("SELECT 1")),
                envelope(version, 2, new Query("SELECT 2")),
                queryOfSize(version, 3, CqlMessageEncoder.COPY_LIMIT + 100),
                queryOfSize(version, 4, 300_000), envelope(version, 5, new Query("SELECT 5")));
        int[] backendIds = {100, 7, 32767, -5, 0};
        List<Message> requests = new ArrayList<>();
        try (CqlTestConnection server = server(version, compression, ids)) {
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < envelopes.size(); i++) {
                ids.add(backendIds[i]);
                Message request = raw(envelopes.get(i));
                requests.add(request);
                writes.add(server.channel.write(request));
            }
            server.channel.flush();
            assertThat(writes).allMatch(ChannelFuture::isSuccess);
            assertThat(ids.size()).isZero();

            List<byte[]> expected = new ArrayList<>();
            for (int i = 0; i < envelopes.size(); i++) {
                expected.add(withStreamId(envelopes.get(i), backendIds[i]));
            }
            assertThat(server.readEnvelopes()).containsExactlyElementsOf(expected);
            for (int i = 0; i < envelopes.size(); i++) {
                assertThat(bytes(requests.get(i).rawBytes())).as("request %d", i).isEqualTo(envelopes.get(i));
            }
        } finally {
            requests.forEach(Message::release);
        }
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("connections")
    void aRequestBuiltFromAFrameGetsTheQueuedStreamId(int version, CqlCompression compression) {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        try (CqlTestConnection server = server(version, compression, ids)) {
            ids.add(42);
            server.channel.writeOutbound(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(version, 9,
                    new Query("SELECT 9")))));
            assertThat(server.readEnvelopes()).containsExactly(envelope(version, 42, new Query("SELECT 9")));
        }
    }

    @Test
    void v4RequestsAreGatheredUntilTheFlushInOneBuffer() {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        try (CqlTestConnection server = server(4, CqlCompression.NONE, ids)) {
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                ids.add(10 + i);
                writes.add(server.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, i,
                        new Query("SELECT " + i))))));
            }
            assertThat(server.channel.outboundMessages()).isEmpty();
            assertThat(writes).noneMatch(ChannelFuture::isDone);
            server.channel.flush();
            assertThat(server.channel.outboundMessages()).hasSize(1);
            assertThat(writes).allMatch(ChannelFuture::isSuccess);
            assertThat(server.readWire()).isEqualTo(CqlWire.concat(List.of(
                    envelope(4, 11, new Query("SELECT 1")), envelope(4, 12, new Query("SELECT 2")),
                    envelope(4, 13, new Query("SELECT 3")))));
        }
    }

    @Test
    void otherObjectsKeepTheirPlaceAfterWhatWasGatheredBeforeThem() {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        byte[] marker = {1, 2, 3};
        try (CqlTestConnection server = server(4, CqlCompression.NONE, ids)) {
            ids.add(1);
            ids.add(2);
            server.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 5, new Query("SELECT 1")))));
            server.channel.write(Unpooled.wrappedBuffer(marker));
            server.channel.writeAndFlush(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 6,
                    new Query("SELECT 2")))));
            assertThat(server.readWire()).isEqualTo(CqlWire.concat(List.of(envelope(4, 1, new Query("SELECT 1")),
                    marker, envelope(4, 2, new Query("SELECT 2")))));
        }
    }

    @Test
    void aRequestWithoutAQueuedStreamIdFailsAndTheChannelGoesOn() {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        try (CqlTestConnection server = server(5, CqlCompression.NONE, ids)) {
            ChannelFuture failed = server.channel.writeAndFlush(Message.fromFrame(CassandraFrame.of(
                    CqlSamples.frame(5, 1, new Query("SELECT 1")))));
            assertThat(failed.cause()).isInstanceOf(EncoderException.class)
                    .hasMessageContaining("without a stream id assigned");
            ids.add(3);
            server.channel.writeAndFlush(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(5, 2,
                    new Query("SELECT 2")))));
            assertThat(server.readEnvelopes()).containsExactly(envelope(5, 3, new Query("SELECT 2")));
        }
    }

    @Test
    void gatheredRequestsAreReleasedAndFailedWhenTheChannelCloses() {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        CqlTestConnection server = server(4, CqlCompression.NONE, ids);
        ids.add(1);
        ChannelFuture write = server.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 1,
                new Query("SELECT 1")))));
        server.channel.close();
        assertThat(write.isDone()).isTrue();
        assertThat(write.isSuccess()).isFalse();
        server.close();
    }

    @Test
    void manySegmentsOfOneFlushAllArriveIntact() {
        // more than a segment and more than the early-write threshold: several self-contained segments, in order
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        List<byte[]> expected = new ArrayList<>();
        try (CqlTestConnection server = server(5, CqlCompression.NONE, ids)) {
            for (int i = 0; i < 40; i++) {
                byte[] envelope = queryOfSize(5, i, 6_000 + i);
                ids.add(1000 + i);
                expected.add(withStreamId(envelope, 1000 + i));
                Message request = raw(envelope);
                server.channel.write(request);
                request.release();
            }
            server.channel.flush();
            byte[] wire = server.readWire();
            List<CqlWire.Decoded> segments = CqlWire.segments(wire, false);
            assertThat(segments).hasSizeGreaterThan(1).allMatch(CqlWire.Decoded::selfContained)
                    .allMatch(s -> s.payload().length <= CqlSegments.MAX_PAYLOAD_LENGTH);
            assertThat(CqlWire.envelopesInSegments(wire, false)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theQueueGrowsAndKeepsItsOrder() {
        CqlStreamIdQueue ids = new CqlStreamIdQueue();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                ids.add(i);
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(ids.take()).isEqualTo(i);
            }
        }
        assertThat(ids.size()).isZero();
        assertThatThrownBy(ids::take).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ids.add(40_000)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The segment writer against DataStax's decoder, with the payload in heap, direct and composite buffers. */
    @Test
    void segmentCrcsAreComputedInPlaceOverAnyBuffer() {
        byte[] payload = Arrays.copyOf(queryOfSize(5, 1, 2000), 2000);
        List<ByteBuf> outs = List.of(Unpooled.buffer(), Unpooled.directBuffer(),
                Unpooled.compositeBuffer().addComponent(true, Unpooled.directBuffer(10).writeZero(3))
                        .addComponent(true, Unpooled.buffer(4000)).capacity(5000));
        for (ByteBuf out : outs) {
            try {
                out.skipBytes(out.readableBytes());
                for (boolean lz4 : new boolean[] {false, true}) {
                    out.clear();
                    CqlSegments.write(Unpooled.wrappedBuffer(payload), 0, payload.length, true, lz4, out);
                    List<CqlWire.Decoded> decoded = CqlWire.segments(bytes(out), lz4);
                    assertThat(decoded).as("%s lz4=%s", out, lz4).hasSize(1);
                    assertThat(decoded.get(0).payload()).isEqualTo(payload);
                }
            } finally {
                out.release();
            }
        }
    }
}
