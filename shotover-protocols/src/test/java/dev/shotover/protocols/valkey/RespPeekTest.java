package dev.shotover.protocols.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespPeekTest {
    private static final byte[][] NAMES = RespPeek.names("GET", "SUBSCRIBE", "CLUSTER");
    private final List<Message> messages = new ArrayList<>();

    @AfterEach
    void release() {
        messages.forEach(Message::release);
    }

    private Message raw(String wire) {
        Message message = Message.fromRaw(Protocol.VALKEY,
                Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1), RespFrameParser.INSTANCE, 0);
        messages.add(message);
        return message;
    }

    @Test
    void findsTheCommandNameOfARawRequestIgnoringCase() {
        Message request = raw("*3\r\n$9\r\nsubScribe\r\n$1\r\na\r\n$1\r\nb\r\n");
        assertThat(RespPeek.firstElementIndex(request, NAMES)).isEqualTo(1);
        assertThat(RespPeek.firstElement(request)).isEqualTo("SUBSCRIBE");
        assertThat(RespPeek.elementCount(request)).isEqualTo(3);
        assertThat(request.isParsed()).as("peeking must not parse").isFalse();
    }

    @Test
    void namesThatOnlyShareAPrefixOrLengthDoNotMatch() {
        assertThat(RespPeek.firstElementIndex(raw("*1\r\n$4\r\nGETS\r\n"), NAMES)).isEqualTo(-1);
        assertThat(RespPeek.firstElementIndex(raw("*1\r\n$3\r\nSET\r\n"), NAMES)).isEqualTo(-1);
        assertThat(RespPeek.firstElementIndex(raw("*1\r\n$2\r\nGE\r\n"), NAMES)).isEqualTo(-1);
    }

    @Test
    void pushesAndSimpleStringElementsArePeekedToo() {
        Message push = raw(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n");
        assertThat(RespPeek.firstElement(push)).isEqualTo("MESSAGE");
        assertThat(RespPeek.elementCount(push)).isEqualTo(3);
        assertThat(RespPeek.firstElement(raw("*1\r\n+cluster\r\n"))).isEqualTo("CLUSTER");
    }

    @Test
    void otherMessagesHaveNoHead() {
        for (String wire : List.of("+OK\r\n", "$3\r\nGET\r\n", "*-1\r\n", "*0\r\n", "*1\r\n:5\r\n", "-ERR x\r\n",
                "%1\r\n$3\r\nGET\r\n:1\r\n")) {
            Message message = raw(wire);
            assertThat(RespPeek.firstElementIndex(message, NAMES)).as(wire).isEqualTo(-1);
            assertThat(RespPeek.firstElement(message)).as(wire).isNull();
        }
        assertThat(RespPeek.elementCount(raw("+OK\r\n"))).isEqualTo(-1);
        assertThat(RespPeek.elementCount(raw("*-1\r\n"))).isEqualTo(-1);
        assertThat(RespPeek.elementCount(raw("*0\r\n"))).isZero();
    }

    @Test
    void generatedMessagesAreReadFromTheirFrame() {
        Message generated = Message.fromFrame(ValkeyFrame.command("cluster", "slots"));
        assertThat(RespPeek.firstElementIndex(generated, NAMES)).isEqualTo(2);
        assertThat(RespPeek.firstElement(generated)).isEqualTo("CLUSTER");
        assertThat(RespPeek.elementCount(generated)).isEqualTo(2);
        assertThat(RespPeek.elementCount(Message.fromFrame(ValkeyFrame.ok()))).isEqualTo(-1);
    }
}
