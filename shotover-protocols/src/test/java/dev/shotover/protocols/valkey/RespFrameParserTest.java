package dev.shotover.protocols.valkey;

import static dev.shotover.protocols.valkey.RespSamples.buffer;
import static dev.shotover.protocols.valkey.RespSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.api.MessageParseException;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RespFrameParserTest {

    static Stream<RespSamples.Sample> samples() {
        return RespSamples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void parsesEveryType(RespSamples.Sample sample) {
        ByteBuf buf = buffer(sample.wire());
        try {
            assertThat(RespFrameParser.INSTANCE.parse(buf)).isEqualTo(sample.frame());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void encodesEveryTypeToTheCanonicalBytes(RespSamples.Sample sample) {
        ByteBuf out = Unpooled.buffer();
        try {
            RespEncoder.encode(sample.frame(), out);
            assertThat(RespSamples.string(out)).isEqualTo(sample.wire());
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void roundTripsBothWays(RespSamples.Sample sample) {
        ByteBuf encoded = RespEncoder.encode(sample.frame(), ByteBufAllocator.DEFAULT);
        try {
            ValkeyFrame parsed = RespFrameParser.INSTANCE.parse(encoded);
            assertThat(parsed).isEqualTo(sample.frame());
            ByteBuf again = RespEncoder.encode(parsed, ByteBufAllocator.DEFAULT);
            try {
                assertThat(again).isEqualTo(encoded);
            } finally {
                again.release();
            }
        } finally {
            encoded.release();
        }
    }

    @Test
    void readsASliceWithoutMovingItsIndexesOrReleasingIt() {
        ByteBuf whole = buffer("+first\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n+last\r\n");
        try {
            ByteBuf slice = whole.slice(8, 20);
            ValkeyFrame frame = RespFrameParser.INSTANCE.parse(slice);
            assertThat(frame).isEqualTo(ValkeyFrame.command("GET", "k"));
            assertThat(frame.commandName()).isEqualTo("GET");
            assertThat(slice.readerIndex()).isZero();
            assertThat(slice.writerIndex()).isEqualTo(20);
            assertThat(whole.refCnt()).isEqualTo(1);
        } finally {
            whole.release();
        }
    }

    @Test
    void bulkStringsAreCopiedOutOfTheBuffer() {
        ByteBuf buf = buffer("$3\r\nfoo\r\n");
        ValkeyFrame frame = RespFrameParser.INSTANCE.parse(buf);
        buf.setByte(4, 'X');
        buf.release();
        assertThat(frame).isEqualTo(ValkeyFrame.bulk("foo"));
    }

    @Test
    void integersAreCanonicalisedWhenReEncoded() {
        ByteBuf buf = buffer(":+7\r\n");
        ByteBuf out = Unpooled.buffer();
        try {
            RespEncoder.encode(RespFrameParser.INSTANCE.parse(buf), out);
            assertThat(RespSamples.string(out)).isEqualTo(":7\r\n");
        } finally {
            buf.release();
            out.release();
        }
    }

    @Test
    void encodesNumbersOfEveryWidth() {
        for (long value : new long[] {0, 1, 9, 10, 99, 100, -1, -10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            ByteBuf out = Unpooled.buffer();
            try {
                RespEncoder.encode(new ValkeyFrame.Integer(value), out);
                assertThat(RespSamples.string(out)).isEqualTo(":" + value + "\r\n");
            } finally {
                out.release();
            }
        }
    }

    static Stream<Arguments> invalidMessages() {
        return Stream.of(
                Arguments.of("invalid_valkey_frame\r\n", "invalid type byte 0x69 ('i') at offset 0"),
                Arguments.of("*1\r\nPING\r\n", "invalid type byte 0x50 ('P') at offset 4"),
                Arguments.of("$3x\r\nfoo\r\n", "non-digit 0x78 ('x') in the length of a '$' header at offset 2"),
                Arguments.of("$-2\r\n", "negative length -2 in a '$' header (only -1, the null, is allowed) at offset 0"),
                Arguments.of("$3\r\nfooXY", "missing CRLF after bulk data, found 0x58 ('X') 0x59 ('Y') at offset 7"),
                Arguments.of("+OK\rX\r\n", "CR not followed by LF, found 0x58 ('X') at offset 4"),
                Arguments.of(":12a\r\n", "invalid integer \"12a\" at offset 0"),
                Arguments.of("=6\r\ntxtxab\r\n",
                        "invalid verbatim string: expected ':' after the 3-byte format, found 0x78 ('x') at offset 7"),
                Arguments.of("*1\r\n".repeat(1025) + ":1\r\n", "aggregates nested deeper than 1024 at offset 4096"),
                Arguments.of("*2\r\n:1\r\n", "incomplete message: 8 bytes end inside a value at offset 8"),
                Arguments.of("$5\r\nab\r\n", "incomplete message: 8 bytes end inside a value at offset 8"),
                Arguments.of("+OK", "incomplete message: 3 bytes end inside a value at offset 3"),
                Arguments.of("+OK\r\n+MORE\r\n", "7 unexpected bytes after the message at offset 5"));
    }

    @ParameterizedTest
    @MethodSource("invalidMessages")
    void invalidMessagesAreRejectedWithTheScannersTexts(String wire, String problem) {
        ByteBuf buf = buffer(wire);
        try {
            assertThatThrownBy(() -> RespFrameParser.INSTANCE.parse(buf))
                    .isInstanceOf(RespDecodeException.class)
                    .isInstanceOf(MessageParseException.class)
                    .hasMessage("Error decoding valkey frame: " + problem);
        } finally {
            buf.release();
        }
    }

    @Test
    void offsetsAreRelativeToTheMessageStart() {
        ByteBuf whole = buffer("+padding\r\n:12a\r\n");
        try {
            assertThatThrownBy(() -> RespFrameParser.INSTANCE.parse(whole.slice(10, 6)))
                    .hasMessage("Error decoding valkey frame: invalid integer \"12a\" at offset 0");
            whole.readerIndex(10);
            assertThatThrownBy(() -> RespFrameParser.INSTANCE.parse(whole))
                    .hasMessage("Error decoding valkey frame: invalid integer \"12a\" at offset 0");
        } finally {
            whole.release();
        }
    }

    @Test
    void framesThatCannotBeWrittenAsRespAreRefused() {
        List<ValkeyFrame> invalid = List.of(
                new ValkeyFrame.SimpleString("two\r\nlines"),
                new ValkeyFrame.Error("ERR bad\nthing"),
                new ValkeyFrame.Double("abc"),
                new ValkeyFrame.Double("1\r\n"),
                new ValkeyFrame.BigNumber("12x"),
                new ValkeyFrame.VerbatimString("text", bytes("x")),
                new ValkeyFrame.Attribute(List.of(ValkeyFrame.ok()), ValkeyFrame.ok()));
        for (ValkeyFrame frame : invalid) {
            ByteBuf out = Unpooled.buffer();
            try {
                assertThatThrownBy(() -> RespEncoder.encode(frame, out))
                        .as("%s", frame)
                        .isInstanceOf(IllegalArgumentException.class);
            } finally {
                out.release();
            }
        }
    }

    @Test
    void failedEncodingIntoANewBufferReleasesIt() {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        ByteBuf[] allocated = new ByteBuf[1];
        ByteBufAllocator recording = new AbstractByteBufAllocator() {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                allocated[0] = alloc.heapBuffer(initialCapacity, maxCapacity);
                return allocated[0];
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        assertThatThrownBy(() -> RespEncoder.encode(new ValkeyFrame.Array(
                List.of(ValkeyFrame.bulk("x"), new ValkeyFrame.SimpleString("a\nb"))), recording))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(allocated[0]).isNotNull();
        assertThat(allocated[0].refCnt()).isZero();
    }

    @Test
    void typeBytesMatchTheEncoding() {
        for (RespSamples.Sample sample : RespSamples.all()) {
            assertThat(RespEncoder.typeByte(sample.frame())).as(sample.name()).isEqualTo(sample.bytes()[0]);
        }
    }
}
