package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import com.datastax.oss.protocol.internal.response.result.Void;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.QueryType;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing, limits, header helpers and the frame model on decoded messages. */
class CqlCodecChannelTest {

    /**
     * v4 responses of one flush are copied into one buffer; one whose body is above the copy limit goes out without
     * a copy, in its place between them.
     */
    @Test
    void v4ResponsesOfOneFlushShareABufferAndLargeOnesAreNotCopied() {
        char[] text = new char[CqlMessageEncoder.COPY_LIMIT + 1000];
        Arrays.fill(text, 'x');
        byte[] small1 = envelope(4, 1, Void.INSTANCE);
        byte[] small2 = envelope(4, 2, new SetKeyspace("a"));
        byte[] large = envelope(4, 3, new SetKeyspace(new String(text)));
        byte[] small3 = envelope(4, 4, new SetKeyspace("ks"));
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.NONE)) {
            ByteBuf largeBytes = Unpooled.wrappedBuffer(large);
            Message largeMessage = Message.fromRaw(dev.shotover.api.Protocol.CASSANDRA, largeBytes,
                    CqlFrameParser.INSTANCE, 0);
            client.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 1, Void.INSTANCE))));
            client.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 2, new SetKeyspace("a")))));
            client.channel.write(largeMessage);
            client.channel.write(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 4, new SetKeyspace("ks")))));
            client.channel.flush();
            assertThat(client.channel.outboundMessages()).hasSize(3);
            ByteBuf second = (ByteBuf) client.channel.outboundMessages().toArray()[1];
            assertThat(second.unwrap()).as("a duplicate of the message's own bytes").isSameAs(largeBytes);
            assertThat(client.readWire()).isEqualTo(CqlWire.concat(List.of(small1, small2, large, small3)));
            largeMessage.release();
        }
    }

    @Test
    void compressedRequestsArriveWholeWhenFedOneByteAtATime() {
        byte[] first = envelope(4, 1, new Query("SELECT * FROM ks.t"));
        byte[] second = envelope(4, 2, new Query("INSERT INTO ks.t (id) VALUES (1)"));
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.LZ4)) {
            byte[] wire = client.wireOf(List.of(first, second));
            int firstEnd = 9 + ByteBuffer.wrap(wire, 5, 4).getInt();
            for (int i = 0; i < wire.length; i++) {
                client.channel.writeInbound(Unpooled.wrappedBuffer(wire, i, 1));
                List<Message> read = client.readMessages();
                if (i == firstEnd - 1) {
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
    void headerHelpersReadAndPatchWithoutDecoding() {
        try (CqlTestConnection server = CqlTestConnection.server(4, CqlCompression.NONE)) {
            server.receive(envelope(4, 300, new SetKeyspace("ks")));
            server.receive(envelope(4, 0, CqlSamples.responses(4).stream()
                    .filter(s -> s.name().equals("EVENT status")).findFirst().orElseThrow().body()));
            List<Message> read = server.readMessages();
            ByteBuf raw = read.get(0).rawBytes();
            assertThat(CqlEnvelopes.version(raw)).isEqualTo(4);
            assertThat(CqlEnvelopes.isResponse(raw)).isTrue();
            assertThat(CqlEnvelopes.opcode(raw)).isEqualTo(ProtocolConstants.Opcode.RESULT);
            assertThat(CqlEnvelopes.streamId(raw)).isEqualTo(300);
            assertThat(CqlEnvelopes.bodyLength(raw)).isEqualTo(raw.readableBytes() - 9);
            assertThat(CqlEnvelopes.streamId(read.get(1).rawBytes())).isEqualTo(-1);
            assertThat(read.get(0).isParsed()).isFalse();

            CqlEnvelopes.setStreamId(raw, -2);
            assertThat(read.get(0).frame(CassandraFrame.class).streamId()).isEqualTo(-2);
            assertThatThrownBy(() -> CqlEnvelopes.setStreamId(raw, 40_000))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void requestsAreRecognisedWithoutADecodedResponseDirection() {
        byte[] request = envelope(4, 1, Options.INSTANCE);
        ByteBuf raw = Unpooled.wrappedBuffer(request);
        assertThat(CqlEnvelopes.isResponse(raw)).isFalse();
        assertThat(CqlEnvelopes.flags(raw)).isZero();
        raw.release();
    }

    @Test
    void theParserReadsBytesWrittenByHandFromTheSpecification() {
        // v4 QUERY "SELECT 1" at consistency ONE with no flags, stream 5
        byte[] cql = "SELECT 1".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer query = ByteBuffer.allocate(9 + 4 + cql.length + 2 + 1);
        query.put((byte) 0x04).put((byte) 0).putShort((short) 5).put((byte) 0x07).putInt(4 + cql.length + 2 + 1)
                .putInt(cql.length).put(cql).putShort((short) 0x0001).put((byte) 0);
        ByteBuf raw = Unpooled.wrappedBuffer(query.array());
        CassandraFrame frame = CqlFrameParser.INSTANCE.parse(raw);
        assertThat(raw.readerIndex()).isZero();
        raw.release();
        Query body = (Query) frame.message();
        assertThat(body.query).isEqualTo("SELECT 1");
        assertThat(body.options.consistency).isEqualTo(ProtocolConstants.ConsistencyLevel.ONE);
        assertThat(frame.streamId()).isEqualTo(5);
        assertThat(envelope(frame.envelope())).isEqualTo(query.array());

        // v4 ERROR 0x2200 (Invalid) "bad", response bit set
        ByteBuffer error = ByteBuffer.allocate(9 + 4 + 2 + 3);
        error.put((byte) 0x84).put((byte) 0).putShort((short) 5).put((byte) 0x00).putInt(4 + 2 + 3)
                .putInt(0x2200).putShort((short) 3).put("bad".getBytes(StandardCharsets.US_ASCII));
        ByteBuf rawError = Unpooled.wrappedBuffer(error.array());
        Error parsed = (Error) CqlFrameParser.INSTANCE.parse(rawError).message();
        rawError.release();
        assertThat(parsed.code).isEqualTo(ProtocolConstants.ErrorCode.INVALID);
        assertThat(parsed.message).isEqualTo("bad");
    }

    @Test
    void theParserRejectsTrailingBytesAndTruncatedBodies() {
        byte[] good = envelope(4, 1, new Query("SELECT 1"));
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        ByteBuffer.wrap(trailing).putInt(5, good.length - 9 + 2);
        ByteBuf raw = Unpooled.wrappedBuffer(trailing);
        assertThatThrownBy(() -> CqlFrameParser.INSTANCE.parse(raw)).isInstanceOf(MessageParseException.class)
                .hasMessageContaining("2 bytes left after the body");
        raw.release();

        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        ByteBuffer.wrap(truncated).putInt(5, good.length - 9 - 3);
        ByteBuf raw2 = Unpooled.wrappedBuffer(truncated);
        assertThatThrownBy(() -> CqlFrameParser.INSTANCE.parse(raw2)).isInstanceOf(MessageParseException.class);
        raw2.release();
    }

    @Test
    void queryTypeAndCellCountWorkOnParsedFrames() {
        List<byte[]> envelopes = List.of(
                envelope(4, 1, new Query("SELECT * FROM ks.t")),
                envelope(4, 2, new Query("INSERT INTO ks.t (id) VALUES (1)")),
                envelope(4, 3, new Query("CREATE TABLE ks.u (id int PRIMARY KEY)")),
                envelope(4, 4, new Batch(ProtocolConstants.BatchType.LOGGED,
                        List.of("INSERT INTO ks.t (id) VALUES (1)", "INSERT INTO ks.t (id) VALUES (2)"),
                        List.of(List.of(), List.of()), ProtocolConstants.ConsistencyLevel.ONE,
                        ProtocolConstants.ConsistencyLevel.SERIAL, QueryOptions.NO_DEFAULT_TIMESTAMP, null,
                        QueryOptions.NO_NOW_IN_SECONDS)),
                envelope(4, 5, Options.INSTANCE));
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.SNAPPY)) {
            client.receive(client.wireOf(envelopes));
            List<Message> requests = client.readMessages();
            assertThat(requests).extracting(Message::queryType).containsExactly(QueryType.READ, QueryType.WRITE,
                    QueryType.SCHEMA_CHANGE, QueryType.WRITE, QueryType.READ);
            assertThat(requests.get(3).frame(CassandraFrame.class).cellCount()).isEqualTo(2);
            assertThat(requests.get(0).frame(CassandraFrame.class).statements()).hasSize(1);
        }
    }

    @Test
    void errorResponsesToDecodedRequestsAreWrittenInTheConnectionsForm() {
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.LZ4)) {
            client.receive(client.wireOf(List.of(envelope(4, 17, new Query("SELECT 1")))));
            Message request = client.readMessages().get(0);
            Message error = request.errorResponse(ErrorKind.OVERLOADED, "Server overloaded");
            assertThat(request.isParsed()).isFalse();
            client.channel.writeOutbound(error);
            List<byte[]> written = client.readEnvelopes();
            assertThat(written).hasSize(1);
            ByteBuf raw = Unpooled.wrappedBuffer(written.get(0));
            CassandraFrame frame = CqlFrameParser.INSTANCE.parse(raw);
            raw.release();
            assertThat(frame.streamId()).isEqualTo(17);
            assertThat(((Error) frame.message()).code).isEqualTo(ProtocolConstants.ErrorCode.OVERLOADED);
            assertThat(((Error) frame.message()).message).isEqualTo("Server overloaded");
        }
    }

    @Test
    void anEnvelopeAboveTheFrameLimitFailsTheConnection() {
        CqlCodecOptions options = CqlCodecOptions.defaults().withMaxFrameSize(1024);
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.NONE, options)) {
            byte[] big = envelope(4, 1, new Query("SELECT '" + "x".repeat(2000) + "'"));
            // the header alone is enough to refuse it
            assertThatThrownBy(() -> client.receive(Arrays.copyOf(big, 9)))
                    .isInstanceOf(DecoderException.class)
                    .hasMessageContaining("exceeds the maximum frame size of 1024");
            client.receive(envelope(4, 2, new Query("SELECT 1")));
            assertThat(client.readMessages()).isEmpty();
        }
    }

    @Test
    void aCompressedBodyAnnouncingTooMuchIsRefusedBeforeAllocating() {
        CqlCodecOptions options = CqlCodecOptions.defaults().withMaxFrameSize(64 * 1024);
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.LZ4, options)) {
            byte[] wire = CqlWire.compressEnvelope(envelope(4, 1, new Query("SELECT 1")), CqlCompression.LZ4);
            ByteBuffer.wrap(wire).putInt(9, 1 << 30); // the uncompressed length prefix
            assertThatThrownBy(() -> client.receive(wire)).isInstanceOf(DecoderException.class)
                    .hasMessageContaining("announces 1073741824 uncompressed bytes");
        }
    }

    @Test
    void corruptCompressedDataFailsTheConnection() {
        try (CqlTestConnection client = CqlTestConnection.client(3, CqlCompression.SNAPPY)) {
            byte[] wire = CqlWire.compressEnvelope(envelope(3, 1, new Query("SELECT 1")), CqlCompression.SNAPPY);
            wire[9] = (byte) 0xFF; // the varint length of the Snappy buffer
            wire[10] = (byte) 0xFF;
            assertThatThrownBy(() -> client.receive(wire)).isInstanceOf(DecoderException.class);
        }
    }

    @Test
    void aResponseFromAClientOrARequestFromAServerFailsTheConnection() {
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.NONE);
             CqlTestConnection server = CqlTestConnection.server(4, CqlCompression.NONE)) {
            assertThatThrownBy(() -> client.receive(envelope(4, 1, Void.INSTANCE)))
                    .isInstanceOf(DecoderException.class).hasMessageContaining("a client sent a response");
            assertThatThrownBy(() -> server.receive(envelope(4, 1, Options.INSTANCE)))
                    .isInstanceOf(DecoderException.class).hasMessageContaining("a server sent a request");
        }
    }

    @Test
    void aFrameThatCannotBeEncodedFailsItsWriteOnly() {
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.NONE)) {
            // protocol v2 has no codecs: encoding fails, the channel stays usable
            Message unencodable = Message.fromFrame(CassandraFrame.of(Frame.forResponse(2, 1, null, Frame.NO_PAYLOAD,
                    List.of(), Void.INSTANCE)));
            ChannelFuture write = client.channel.writeOneOutbound(unencodable);
            client.channel.flushOutbound();
            assertThat(write.cause()).isInstanceOf(EncoderException.class);
            client.channel.writeOutbound(Message.fromFrame(CassandraFrame.responseTo(4, 2, Void.INSTANCE)));
            assertThat(client.readEnvelopes()).containsExactly(envelope(4, 2, Void.INSTANCE));
        }
    }

    @Test
    void otherObjectsPassThroughTheEncoder() {
        try (CqlTestConnection client = CqlTestConnection.client(4, CqlCompression.LZ4)) {
            ByteBuf other = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
            client.channel.writeOutbound(other);
            assertThat(client.readWire()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void optionsBeforeStartupAreNeverCompressedAndTheSinkLearnsCompressionFromStartup() {
        try (CqlTestConnection server = CqlTestConnection.server(4, CqlCompression.SNAPPY)) {
            server.channel.writeOutbound(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 1,
                    Options.INSTANCE))));
            assertThat(server.readWire()).isEqualTo(envelope(4, 1, Options.INSTANCE));
            server.channel.writeOutbound(Message.fromFrame(CassandraFrame.of(CqlSamples.frame(4, 2,
                    new Query("SELECT 1")))));
            byte[] wire = server.readWire();
            assertThat(CqlWire.flags(wire) & 1).isEqualTo(1);
            assertThat(CqlWire.decompressEnvelope(wire, CqlCompression.SNAPPY))
                    .isEqualTo(envelope(4, 2, new Query("SELECT 1")));
        }
    }
}
