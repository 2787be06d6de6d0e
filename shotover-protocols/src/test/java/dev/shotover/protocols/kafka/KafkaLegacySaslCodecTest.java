package dev.shotover.protocols.kafka;

import static dev.shotover.protocols.kafka.KafkaSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The legacy SASL flow (SaslHandshake v0, then header-less tokens) through the Kafka codec: the client side counts
 * the tokens of the mechanism, the backend side pairs each token with its bare answer, and everything passes
 * through byte for byte.
 */
class KafkaLegacySaslCodecTest {
    private static final byte[] PLAIN_TOKEN = "\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8);

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        for (Message message : messages) {
            message.release();
        }
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void afterAPlainHandshakeV0TheNextClientMessageIsATokenAndThenRequestsResumeUndecoded() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        ByteBuf wire = Unpooled.buffer();
        writeAndRelease(wire, KafkaSamples.request(new ApiVersionsRequestData(), (short) 3, 1));
        writeAndRelease(wire, handshake("PLAIN", (short) 0, 2));
        writeAndRelease(wire, token(PLAIN_TOKEN));
        writeAndRelease(wire, KafkaSamples.request(new MetadataRequestData(), (short) 12, 3));
        byte[] sent = bytes(wire);
        source.writeInbound(wire);

        List<Message> requests = read(source);
        assertThat(requests).hasSize(4);
        assertThat(requests).extracting(KafkaMessages::requestApiKey).containsExactly(ApiKeys.API_VERSIONS.id,
                ApiKeys.SASL_HANDSHAKE.id, ApiKeys.SASL_AUTHENTICATE.id, ApiKeys.METADATA.id);
        Message token = requests.get(2);
        assertThat(KafkaMessages.isSaslToken(token)).isTrue();
        assertThat(token.frame(KafkaFrame.SaslToken.class).token()).isEqualTo(PLAIN_TOKEN);
        assertThat(KafkaMessages.requestApiVersion(token)).isEqualTo(KafkaFrame.SaslToken.NO_VERSION);
        assertThat(KafkaMessages.requestCorrelationId(token)).isEqualTo(KafkaFrame.SaslToken.NO_CORRELATION_ID);
        assertThat(KafkaMessages.expectsResponse(token)).isTrue();
        // a token counts as the SASL handshake it is, so denying writes never locks a legacy client out
        assertThat(token.queryType()).isEqualTo(QueryType.READ);
        // the flow has no error message: a failing chain can only close the connection, as a broker does
        assertThatThrownBy(() -> token.errorResponse(ErrorKind.INTERNAL, "boom"))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("legacy SASL token");
        // the request after the flow is a normal, undecoded one again
        assertThat(KafkaMessages.isSaslToken(requests.get(3))).isFalse();
        assertThat(requests.get(3).isParsed()).isFalse();
        assertThat(KafkaMessages.requestCorrelationId(requests.get(3))).isEqualTo(3);
        // all four are written on as the very bytes that came in
        assertThat(written(sink(), requests)).isEqualTo(sent);
    }

    @Test
    void scramSendsTwoTokensAndTokensShorterThanAnyRequestAreAccepted() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        byte[] first = "n,,n=bob,r=abc".getBytes(StandardCharsets.UTF_8);
        byte[] shortOne = {1, 2, 3};
        ByteBuf wire = Unpooled.buffer();
        writeAndRelease(wire, handshake("SCRAM-SHA-256", (short) 0, 7));
        writeAndRelease(wire, token(first));
        writeAndRelease(wire, token(shortOne));
        writeAndRelease(wire, KafkaSamples.request(new MetadataRequestData(), (short) 12, 8));
        source.writeInbound(wire);

        List<Message> requests = read(source);
        assertThat(requests).extracting(KafkaMessages::isSaslToken).containsExactly(false, true, true, false);
        assertThat(requests.get(1).frame(KafkaFrame.SaslToken.class).token()).isEqualTo(first);
        assertThat(requests.get(2).frame(KafkaFrame.SaslToken.class).token()).isEqualTo(shortOne);
        assertThat(KafkaMessages.requestApiKey(requests.get(3))).isEqualTo(ApiKeys.METADATA.id);
    }

    @Test
    void aTokenSplitAcrossReadsArrivesWhole() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        source.writeInbound(handshake("PLAIN", (short) 0, 1));
        ByteBuf token = token(PLAIN_TOKEN);
        byte[] wire = bytes(token);
        token.release();
        for (byte b : wire) {
            source.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Message> requests = read(source);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).frame(KafkaFrame.SaslToken.class).token()).isEqualTo(PLAIN_TOKEN);
    }

    @Test
    void aHandshakeV1StartsNoLegacyFlow() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        source.writeInbound(handshake("PLAIN", (short) 1, 1));
        source.writeInbound(KafkaSamples.request(new MetadataRequestData(), (short) 12, 2));
        List<Message> requests = read(source);
        assertThat(requests).extracting(KafkaMessages::isSaslToken).containsExactly(false, false);
        assertThat(KafkaMessages.requestApiKey(requests.get(1))).isEqualTo(ApiKeys.METADATA.id);
    }

    @Test
    void anOauthBearerClientMayAcknowledgeAnErrorChallengeWithOneByte() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        source.writeInbound(handshake("OAUTHBEARER", (short) 0, 1));
        source.writeInbound(token("n,,\u0001auth=Bearer xyz\u0001\u0001".getBytes(StandardCharsets.UTF_8)));
        source.writeInbound(token(new byte[] {1}));
        List<Message> requests = read(source);
        assertThat(requests).extracting(KafkaMessages::isSaslToken).containsExactly(false, true, true);
        assertThat(requests.get(2).frame(KafkaFrame.SaslToken.class).token()).containsExactly(1);
    }

    @Test
    void aMechanismWhoseTokensCannotBeCountedFailsTheConnectionAtItsFirstToken() {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        source.writeInbound(handshake("GSSAPI", (short) 0, 1));
        assertThat(read(source)).hasSize(1);
        assertThatThrownBy(() -> source.writeInbound(token(new byte[] {0x60, 0x01})))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("Error decoding kafka frame: the legacy SASL flow (SaslHandshake v0) with "
                        + "mechanism GSSAPI is not supported");
        source.writeInbound(KafkaSamples.request(new MetadataRequestData(), (short) 12, 2));
        assertThat(read(source)).isEmpty();
    }

    @Test
    void theSinkPairsEachTokenWithTheBrokersBareAnswerEvenAnEmptyOne() {
        EmbeddedChannel sink = sink();
        List<Message> requests = clientSide(handshake("SCRAM-SHA-256", (short) 0, 4), token(PLAIN_TOKEN),
                token(PLAIN_TOKEN), KafkaSamples.request(new MetadataRequestData(), (short) 12, 5));
        for (Message request : requests) {
            sink.writeOutbound(request);
            ByteBuf out = sink.readOutbound();
            out.release();
        }
        byte[] serverFirst = "r=abcdef,s=c2FsdA==,i=4096".getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = Unpooled.buffer();
        writeAndRelease(wire, KafkaSamples.response(new SaslHandshakeResponseData().setMechanisms(
                List.of("SCRAM-SHA-256")), (short) 0, 4));
        writeAndRelease(wire, token(serverFirst));
        writeAndRelease(wire, token(new byte[0]));
        writeAndRelease(wire, KafkaSamples.response(KafkaSamples.metadata(9092), (short) 12, 5));
        // a response cut in the middle of its size prefix must wait, whatever the next expected message is
        byte[] all = bytes(wire);
        wire.release();
        sink.writeInbound(Unpooled.wrappedBuffer(all, 0, 2));
        sink.writeInbound(Unpooled.wrappedBuffer(all, 2, all.length - 2));

        List<Message> responses = read(sink);
        assertThat(responses).hasSize(4);
        assertThat(responses.get(0).frame(KafkaFrame.Response.class).body(SaslHandshakeResponseData.class)
                .mechanisms()).containsExactly("SCRAM-SHA-256");
        assertThat(responses.get(1).frame(KafkaFrame.SaslToken.class).token()).isEqualTo(serverFirst);
        assertThat(responses.get(2).frame(KafkaFrame.SaslToken.class).length()).isZero();
        assertThat(KafkaMessages.responseCorrelationId(responses.get(3))).isEqualTo(5);
        assertThat(responses.get(3).frame(KafkaFrame.Response.class).body(MetadataResponseData.class).brokers())
                .hasSize(1);
        // the answers go back to the client unchanged
        assertThat(written(channel(KafkaCodecs.source()), responses)).isEqualTo(all);
    }

    @Test
    void aBrokerThatClosesInsteadOfAnsweringATokenLeavesTheClientWithoutAnAnswer() {
        EmbeddedChannel sink = sink();
        List<Message> requests = clientSide(handshake("PLAIN", (short) 0, 1), token(PLAIN_TOKEN));
        for (Message request : requests) {
            sink.writeOutbound(request);
            ByteBuf out = sink.readOutbound();
            out.release();
        }
        sink.writeInbound(KafkaSamples.response(new SaslHandshakeResponseData().setMechanisms(List.of("PLAIN")),
                (short) 0, 1));
        assertThat(read(sink)).hasSize(1);
        // a wrong password: the broker closes the connection without a word
        sink.close();
        List<Message> responses = read(sink);
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0).frame()).isEqualTo(new KafkaFrame.NoResponse(ApiKeys.SASL_AUTHENTICATE,
                KafkaFrame.SaslToken.NO_VERSION, KafkaFrame.SaslToken.NO_CORRELATION_ID));
        // which the client side writes as nothing
        EmbeddedChannel source = channel(KafkaCodecs.source());
        source.writeOutbound(responses.get(0));
        assertThat((Object) source.readOutbound()).isNull();
    }

    @Test
    void aClosedConnectionWithNoTokenWaitingProducesNothing() {
        EmbeddedChannel sink = sink();
        Message metadata = track(Message.fromRaw(Protocol.KAFKA,
                KafkaSamples.request(new MetadataRequestData(), (short) 12, 1), KafkaFrameParsers.REQUEST, 0));
        sink.writeOutbound(metadata);
        ByteBuf out = sink.readOutbound();
        out.release();
        sink.close();
        assertThat(read(sink)).isEmpty();
    }

    @Test
    void aTokenMadeByATransformIsWrittenAsItsSizeAndBytes() {
        EmbeddedChannel sink = sink();
        sink.writeOutbound(track(Message.fromFrame(new KafkaFrame.SaslToken(PLAIN_TOKEN))));
        ByteBuf out = sink.readOutbound();
        ByteBuf expected = token(PLAIN_TOKEN);
        assertThat(bytes(out)).isEqualTo(bytes(expected));
        out.release();
        expected.release();
        // and the broker's answer to it is read as a token
        sink.writeInbound(token(new byte[] {9}));
        assertThat(read(sink).get(0).frame(KafkaFrame.SaslToken.class).token()).containsExactly(9);
    }

    @Test
    void aTokenNeverShowsItsBytesWhenPrinted() {
        KafkaFrame.SaslToken token = new KafkaFrame.SaslToken(PLAIN_TOKEN);
        assertThat(token.toString()).isEqualTo("SaslToken[" + PLAIN_TOKEN.length + " bytes]");
        Message message = track(Message.fromFrame(token));
        assertThat(message.toString()).doesNotContain("alice");
        // equal by content; the frame keeps its own copy
        byte[] bytes = PLAIN_TOKEN.clone();
        KafkaFrame.SaslToken copy = new KafkaFrame.SaslToken(bytes);
        bytes[1] = 'X';
        assertThat(copy).isEqualTo(token).hasSameHashCodeAs(token);
        copy.token()[1] = 'Y';
        assertThat(copy).isEqualTo(token);
    }

    // ---- helpers ----

    private EmbeddedChannel channel(List<ChannelHandler> handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.toArray(ChannelHandler[]::new));
        channels.add(channel);
        return channel;
    }

    private EmbeddedChannel sink() {
        return channel(KafkaCodecs.sink());
    }

    /** The requests a client side decodes from these wire messages (each released). */
    private List<Message> clientSide(ByteBuf... wireMessages) {
        EmbeddedChannel source = channel(KafkaCodecs.source());
        for (ByteBuf message : wireMessages) {
            source.writeInbound(message);
        }
        List<Message> requests = read(source);
        assertThat(requests).hasSize(wireMessages.length);
        return requests;
    }

    /** What {@code channel}'s encoder writes for {@code outgoing}, concatenated. */
    private static byte[] written(EmbeddedChannel channel, List<Message> outgoing) {
        ByteBuf all = Unpooled.buffer();
        for (Message message : outgoing) {
            channel.writeOutbound(message);
            ByteBuf out;
            while ((out = channel.readOutbound()) != null) {
                all.writeBytes(out);
                out.release();
            }
        }
        byte[] bytes = bytes(all);
        all.release();
        return bytes;
    }

    private List<Message> read(EmbeddedChannel channel) {
        List<Message> read = new ArrayList<>();
        Message message;
        while ((message = channel.readInbound()) != null) {
            read.add(track(message));
        }
        return read;
    }

    private Message track(Message message) {
        messages.add(message);
        return message;
    }

    private static ByteBuf handshake(String mechanism, short version, int correlationId) {
        return KafkaSamples.request(new SaslHandshakeRequestData().setMechanism(mechanism), version, correlationId);
    }

    /** A legacy SASL token on the wire: its size, then its bytes. */
    private static ByteBuf token(byte[] bytes) {
        return UnpooledByteBufAllocator.DEFAULT.buffer().writeInt(bytes.length).writeBytes(bytes);
    }

    private static void writeAndRelease(ByteBuf target, ByteBuf message) {
        target.writeBytes(message);
        message.release();
    }
}
