package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.bytes;
import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every request and response body native-protocol can build, through a proxy's two codecs: decoded on one side
 * (client-facing for requests, backend-facing for responses), written on the other, unmodified and then re-encoded
 * from the parsed frame. Both writes must reproduce the original envelope, for v3, v4 and v5 with each compression.
 */
class CqlRoundTripTest {

    static Stream<Arguments> connections() {
        List<Arguments> all = new ArrayList<>();
        for (int version = 3; version <= 5; version++) {
            for (CqlCompression compression : CqlCompression.values()) {
                if (version == 5 && compression == CqlCompression.SNAPPY) {
                    continue; // Cassandra refuses Snappy on v5
                }
                all.add(Arguments.of(version, compression));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("connections")
    void requestsSurviveDecodeAndEncode(int version, CqlCompression compression) {
        List<CqlSamples.Sample> samples = CqlSamples.requests(version);
        List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            originals.add(envelope(version, 100 + i, samples.get(i).body()));
        }
        try (CqlTestConnection client = CqlTestConnection.client(version, compression);
             CqlTestConnection server = CqlTestConnection.server(version, compression)) {
            client.receive(client.wireOf(originals));
            List<Message> requests = client.readMessages();
            checkDecoded(requests, samples, originals, version, 100);
            checkWrittenBack(requests, originals, server);
        }
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("connections")
    void responsesSurviveDecodeAndEncode(int version, CqlCompression compression) {
        List<CqlSamples.Sample> samples = CqlSamples.responses(version);
        List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            originals.add(envelope(version, 200 + i, samples.get(i).body()));
        }
        try (CqlTestConnection server = CqlTestConnection.server(version, compression);
             CqlTestConnection client = CqlTestConnection.client(version, compression)) {
            server.receive(server.wireOf(originals));
            List<Message> responses = server.readMessages();
            checkDecoded(responses, samples, originals, version, 200);
            checkWrittenBack(responses, originals, client);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {4, 5})
    void tracingWarningsAndCustomPayloadSurvive(int version) {
        byte[] request = envelope(CqlSamples.requestWithExtras(version, 7));
        byte[] response = envelope(CqlSamples.responseWithExtras(version, 7));
        try (CqlTestConnection client = CqlTestConnection.client(version, CqlCompression.LZ4);
             CqlTestConnection server = CqlTestConnection.server(version, CqlCompression.LZ4)) {
            client.receive(client.wireOf(List.of(request)));
            Message req = client.readMessages().get(0);
            Frame parsedRequest = req.frame(CassandraFrame.class).envelope();
            assertThat(parsedRequest.tracing).isTrue();
            assertThat(parsedRequest.customPayload).containsKey("proxy");
            checkWrittenBack(List.of(req), List.of(request), server);

            server.receive(server.wireOf(List.of(response)));
            Message resp = server.readMessages().get(0);
            Frame parsedResponse = resp.frame(CassandraFrame.class).envelope();
            assertThat(parsedResponse.tracingId).isEqualTo(CqlSamples.responseWithExtras(version, 7).tracingId);
            assertThat(parsedResponse.warnings).containsExactly("Aggregation query used without partition key");
            assertThat(parsedResponse.customPayload).containsKey("k");
            checkWrittenBack(List.of(resp), List.of(response), client);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {3, 4, 5, 6})
    void theParserHandlesEveryVersionIncludingTheV6Beta(int version) {
        List<CqlSamples.Sample> all = new ArrayList<>(CqlSamples.requests(version));
        all.addAll(CqlSamples.responses(version));
        for (CqlSamples.Sample sample : all) {
            byte[] original = envelope(version, 3, sample.body());
            if (version == 6) {
                assertThat(CqlWire.flags(original) & ProtocolConstants.FrameFlag.USE_BETA).as(sample.name())
                        .isNotZero();
            }
            ByteBuf raw = Unpooled.wrappedBuffer(original);
            CassandraFrame frame = CqlFrameParser.INSTANCE.parse(raw);
            raw.release();
            assertThat(frame.version()).isEqualTo(version);
            assertThat(frame.opcode()).as(sample.name()).isEqualTo(sample.body().opcode);
            assertThat(envelope(frame.envelope())).as(sample.name()).isEqualTo(original);
        }
    }

    private static void checkDecoded(List<Message> messages, List<CqlSamples.Sample> samples, List<byte[]> originals,
                                     int version, int firstStreamId) {
        assertThat(messages).hasSize(originals.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String name = samples.get(i).name();
            assertThat(m.isParsed()).as(name).isFalse();
            // the raw bytes are the uncompressed envelope, whatever the wire looked like
            assertThat(bytes(m.rawBytes())).as(name).isEqualTo(originals.get(i));
            CassandraFrame frame = m.frame(CassandraFrame.class);
            assertThat(frame.version()).as(name).isEqualTo(version);
            assertThat(frame.opcode()).as(name).isEqualTo(samples.get(i).body().opcode);
            assertThat(frame.message().getClass()).as(name).isEqualTo(samples.get(i).body().getClass());
            int expectedStream = frame.opcode() == ProtocolConstants.Opcode.EVENT ? -1 : firstStreamId + i;
            assertThat(frame.streamId()).as(name).isEqualTo(expectedStream);
            assertThat(CqlEnvelopes.streamId(m.rawBytes())).as(name).isEqualTo(expectedStream);
        }
    }

    /** Writes the messages unmodified, then re-encoded from their frames; both must give the originals. */
    private static void checkWrittenBack(List<Message> messages, List<byte[]> originals, CqlTestConnection other) {
        other.channel.writeOutbound(messages.toArray());
        assertThat(other.readEnvelopes()).as("passthrough").containsExactlyElementsOf(originals);
        for (Message m : messages) {
            m.setFrame(m.frame());
            assertThat(m.rawBytes()).isNull();
        }
        other.channel.writeOutbound(messages.toArray());
        List<byte[]> reencoded = other.readEnvelopes();
        assertThat(reencoded).hasSameSizeAs(originals);
        for (int i = 0; i < originals.size(); i++) {
            assertThat(reencoded.get(i)).as("re-encoded " + messages.get(i)).isEqualTo(originals.get(i));
        }
    }
}
