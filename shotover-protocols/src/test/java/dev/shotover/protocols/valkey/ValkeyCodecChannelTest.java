package dev.shotover.protocols.valkey;

import static dev.shotover.protocols.valkey.RespSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ValkeyCodecChannelTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new ValkeyMessageDecoder(), ValkeyMessageEncoder.INSTANCE);
    private final List<ByteBuf> inputs = new ArrayList<>();

    @AfterEach
    void noLeaks() {
        channel.finishAndReleaseAll();
        for (ByteBuf input : inputs) {
            assertThat(input.refCnt()).as("input buffer released once every message was").isZero();
        }
    }

    private ByteBuf input(String wire) {
        byte[] bytes = bytes(wire);
        return input(bytes, 0, bytes.length);
    }

    private ByteBuf input(byte[] bytes, int from, int length) {
        ByteBuf buf = Unpooled.buffer(length);
        buf.writeBytes(bytes, from, length);
        inputs.add(buf);
        return buf;
    }

    private List<Message> readMessages() {
        List<Message> messages = new ArrayList<>();
        Message message;
        while ((message = channel.readInbound()) != null) {
            messages.add(message);
        }
        return messages;
    }

    @Test
    void emptyLinesBetweenMessagesAreSkippedAsRedisDoes() {
        // redis-cli --pipe sends "\r\n" before its closing ECHO; Redis ignores empty lines between commands
        channel.writeInbound(input("\r\n*1\r\n$4\r\nPING\r\n\r\n\n"));
        channel.writeInbound(input("\r"));
        channel.writeInbound(input("\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"));
        List<Message> messages = readMessages();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).frame()).isEqualTo(dev.shotover.api.valkey.ValkeyFrame.command("PING"));
        assertThat(messages.get(1).frame()).isEqualTo(dev.shotover.api.valkey.ValkeyFrame.command("ECHO", "hi"));
        messages.forEach(Message::release);
    }

    @Test
    void unmodifiedMessagesAreWrittenAsTheVeryBytesReceived() {
        byte[] wire = bytes(RespSamples.pipeline());
        ByteBuf in = input(wire, 0, wire.length);
        channel.writeInbound(in);

        List<Message> messages = readMessages();
        assertThat(messages).hasSize(RespSamples.all().size());
        for (Message message : messages) {
            assertThat(message.protocol()).isEqualTo(Protocol.VALKEY);
            channel.writeOutbound(message);
        }
        int offset = 0;
        for (int i = 0; i < messages.size(); i++) {
            RespSamples.Sample sample = RespSamples.all().get(i);
            ByteBuf out = channel.readOutbound();
            try {
                assertThat(RespSamples.string(out)).as(sample.name()).isEqualTo(sample.wire());
                // Same memory as the received buffer, so no copy and no re-encode happened.
                assertThat(out.hasArray()).isTrue();
                assertThat(out.array()).isSameAs(in.array());
                assertThat(out.arrayOffset() + out.readerIndex()).isEqualTo(in.arrayOffset() + offset);
                assertThat(messages.get(i).isParsed()).as("never parsed").isFalse();
            } finally {
                out.release();
            }
            offset += sample.bytes().length;
        }
        messages.forEach(Message::release);
    }

    @Test
    void messagesArrivingInSmallPiecesAreDecodedAndWrittenBackUnchanged() {
        byte[] wire = bytes(RespSamples.pipeline());
        for (int offset = 0; offset < wire.length; offset += 3) {
            channel.writeInbound(input(wire, offset, Math.min(3, wire.length - offset)));
        }
        List<Message> messages = readMessages();
        assertThat(messages).hasSize(RespSamples.all().size());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            assertThat(RespSamples.string(message.rawBytes())).isEqualTo(RespSamples.all().get(i).wire());
            channel.writeOutbound(message);
            ByteBuf out = channel.readOutbound();
            try {
                assertThat(RespSamples.string(out)).isEqualTo(RespSamples.all().get(i).wire());
            } finally {
                out.release();
            }
            assertThat(message.isParsed()).isFalse();
            message.release();
        }
    }

    @Test
    void parsingAMessageDoesNotChangeWhatIsWritten() {
        // A non-canonical integer: re-encoding would write ":7", passthrough writes ":+7".
        channel.writeInbound(input(":+7\r\n"));
        Message message = channel.readInbound();
        assertThat(message.frame()).isEqualTo(new ValkeyFrame.Integer(7));
        channel.writeOutbound(message);
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(RespSamples.string(out)).isEqualTo(":+7\r\n");
        } finally {
            out.release();
            message.release();
        }
    }

    @Test
    void modifiedMessagesAreReEncodedFromTheirFrame() {
        channel.writeInbound(input("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
        Message message = channel.readInbound();
        ByteBuf original = message.rawBytes();
        message.setFrame(ValkeyFrame.command("GET", "rewritten"));
        assertThat(original.refCnt()).as("raw bytes released when the frame was replaced").isZero();

        channel.writeOutbound(message);
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(RespSamples.string(out)).isEqualTo("*2\r\n$3\r\nGET\r\n$9\r\nrewritten\r\n");
        } finally {
            out.release();
        }
    }

    @Test
    void generatedMessagesAreEncodedAndNotReleasedByTheEncoder() {
        Message request = Message.fromFrame(ValkeyFrame.command("SET", "k", "v"));
        Message reply = Message.responseTo(request, ValkeyFrame.error("ERR no"));
        channel.writeOutbound(request, reply);
        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        try {
            assertThat(RespSamples.string(first)).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
            assertThat(RespSamples.string(second)).isEqualTo("-ERR no\r\n");
        } finally {
            first.release();
            second.release();
        }
        // Still usable: the runtime, not the encoder, decides when a message is done.
        assertThat(reply.frame()).isEqualTo(ValkeyFrame.error("ERR no"));
    }

    @Test
    void theMessageKeepsItsBytesAfterBeingWritten() {
        channel.writeInbound(input("+OK\r\n"));
        Message message = channel.readInbound();
        channel.writeOutbound(message);
        ByteBuf out = channel.readOutbound();
        out.release();
        assertThat(message.rawBytes().refCnt()).as("the encoder must not release the message").isPositive();
        assertThat(RespSamples.string(message.rawBytes())).isEqualTo("+OK\r\n");
        message.release();
    }

    @Test
    void invalidBytesFailTheDecoderOnceWithShotoversMessage() {
        channel.writeInbound(input("+OK\r\n"));
        assertThatThrownBy(() -> channel.writeInbound(input("invalid_valkey_frame\r\n+OK\r\n")))
                .isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(RespDecodeException.class)
                .hasMessageContaining("Error decoding valkey frame: invalid type byte 0x69 ('i') at offset 0");
        Message beforeTheError = channel.readInbound();
        assertThat(RespSamples.string(beforeTheError.rawBytes())).isEqualTo("+OK\r\n");
        beforeTheError.release();
        assertThat(channel.<Message>readInbound()).isNull();

        // The stream cannot be resynchronised: later bytes, and closing, neither decode nor fail again (one WARN).
        assertThat(channel.writeInbound(input("+OK\r\n"))).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void pushesErrorsAndRepliesAreToldApartWithoutParsing() {
        String wire = ">2\r\n+message\r\n+x\r\n-ERR a\r\n!3\r\nbad\r\n+OK\r\n|1\r\n+k\r\n+v\r\n>1\r\n+y\r\n";
        ValkeyMessageDecoder decoder = channel.pipeline().get(ValkeyMessageDecoder.class);
        byte[] bytes = bytes(wire);
        channel.writeInbound(input(bytes, 0, bytes.length));
        assertThat(decoder.lastTypeByte()).isEqualTo((byte) '|');

        List<Message> messages = readMessages();
        assertThat(messages).extracting(RespMessageKind::of).containsExactly(
                RespMessageKind.PUSH, RespMessageKind.ERROR, RespMessageKind.ERROR, RespMessageKind.OTHER,
                RespMessageKind.PUSH);
        assertThat(messages).extracting(RespMessageKind::typeByte).containsExactly(
                (byte) '>', (byte) '-', (byte) '!', (byte) '+', (byte) '|');
        assertThat(messages).noneMatch(Message::isParsed);
        messages.forEach(Message::release);
    }

    @Test
    void kindOfGeneratedMessagesComesFromTheFrame() {
        assertThat(RespMessageKind.of(Message.fromFrame(new ValkeyFrame.Push(List.of())))).isEqualTo(RespMessageKind.PUSH);
        assertThat(RespMessageKind.of(Message.fromFrame(new ValkeyFrame.BulkError(bytes("x")))))
                .isEqualTo(RespMessageKind.ERROR);
        assertThat(RespMessageKind.of(Message.fromFrame(new ValkeyFrame.Attribute(List.of(), ValkeyFrame.error("ERR x")))))
                .isEqualTo(RespMessageKind.ERROR);
        assertThat(RespMessageKind.of(Message.fromFrame(ValkeyFrame.ok()))).isEqualTo(RespMessageKind.OTHER);
    }

    @Test
    void messagesOfOtherProtocolsArePassedOn() {
        Frame kafka = new Frame() {
            @Override
            public Protocol protocol() {
                return Protocol.KAFKA;
            }

            @Override
            public QueryType queryType() {
                return QueryType.READ;
            }
        };
        Message message = Message.fromFrame(kafka);
        channel.writeOutbound(message);
        Object out = channel.readOutbound();
        assertThat(out).isSameAs(message);
    }

    @Test
    void encoderIsSharable() {
        assertThat(ValkeyMessageEncoder.INSTANCE.isSharable()).isTrue();
        assertThat(new ValkeyMessageDecoder().isSharable()).isFalse();
    }
}
