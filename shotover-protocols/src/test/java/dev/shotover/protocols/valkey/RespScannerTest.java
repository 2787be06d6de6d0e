package dev.shotover.protocols.valkey;

import static dev.shotover.protocols.valkey.RespSamples.buffer;
import static dev.shotover.protocols.valkey.RespSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RespScannerTest {

    static Stream<RespSamples.Sample> samples() {
        return RespSamples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void findsTheEndOfEveryType(RespSamples.Sample sample) {
        // A following message must not be counted in.
        ByteBuf buf = buffer(sample.wire() + "+NEXT\r\n");
        try {
            RespScanner scanner = new RespScanner();
            assertThat(scanner.scan(buf)).isEqualTo(sample.bytes().length);
            assertThat(scanner.lastTypeByte()).isEqualTo(sample.bytes()[0]);
            assertThat(buf.readerIndex()).as("the scanner never moves the reader index").isZero();
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyProperPrefixIsIncomplete(RespSamples.Sample sample) {
        byte[] wire = sample.bytes();
        for (int cut = 0; cut < wire.length; cut++) {
            ByteBuf buf = Unpooled.wrappedBuffer(wire, 0, cut);
            try {
                assertThat(new RespScanner().scan(buf)).as("prefix of %d bytes", cut).isEqualTo(-1);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void pipelineFedByteByByteGivesTheSameBoundaries() {
        byte[] wire = bytes(RespSamples.pipeline());
        List<Integer> chunks = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            chunks.add(1);
        }
        assertThat(boundaries(wire, chunks, false)).isEqualTo(RespSamples.lengths());
    }

    @Test
    void pipelineSplitInTwoAtEveryPointGivesTheSameBoundaries() {
        byte[] wire = bytes(RespSamples.pipeline());
        for (int split = 0; split <= wire.length; split++) {
            assertThat(boundaries(wire, List.of(split, wire.length - split), false))
                    .as("split at %d", split)
                    .isEqualTo(RespSamples.lengths());
        }
    }

    @Test
    void pipelineInRandomChunksWithCompactionGivesTheSameBoundaries() {
        byte[] wire = bytes(RespSamples.pipeline());
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<Integer> chunks = new ArrayList<>();
            for (int left = wire.length; left > 0; ) {
                int chunk = Math.min(left, 1 + random.nextInt(40));
                chunks.add(chunk);
                left -= chunk;
            }
            // Compaction moves the unread bytes to index 0 between reads, as Netty's cumulator does.
            assertThat(boundaries(wire, chunks, true)).as("round %d", round).isEqualTo(RespSamples.lengths());
        }
    }

    /** Feeds {@code wire} in chunks to one scanner through a cumulation buffer and returns each message length. */
    private static List<Integer> boundaries(byte[] wire, List<Integer> chunks, boolean compact) {
        RespScanner scanner = new RespScanner();
        ByteBuf cumulation = Unpooled.buffer();
        List<Integer> lengths = new ArrayList<>();
        try {
            int offset = 0;
            for (int chunk : chunks) {
                cumulation.writeBytes(wire, offset, chunk);
                offset += chunk;
                int length;
                while ((length = scanner.scan(cumulation)) >= 0) {
                    lengths.add(length);
                    cumulation.skipBytes(length);
                    scanner.reset();
                }
                if (compact) {
                    cumulation.discardReadBytes();
                }
            }
            assertThat(cumulation.readableBytes()).as("bytes left over").isZero();
        } finally {
            cumulation.release();
        }
        return lengths;
    }

    @Test
    void attributeAndItsReplyAreOneMessage() {
        String attributed = "|1\r\n+ttl\r\n:10\r\n$3\r\nbar\r\n";
        ByteBuf buf = buffer(attributed + ":1\r\n");
        try {
            RespScanner scanner = new RespScanner();
            assertThat(scanner.scan(buf)).isEqualTo(attributed.length());
            assertThat(scanner.lastTypeByte()).isEqualTo((byte) '|');
        } finally {
            buf.release();
        }
        ByteBuf attributeOnly = buffer("|1\r\n+ttl\r\n:10\r\n");
        try {
            assertThat(new RespScanner().scan(attributeOnly)).as("an attribute without its reply").isEqualTo(-1);
        } finally {
            attributeOnly.release();
        }
    }

    @Test
    void scanningAgainWithoutConsumingReturnsTheSameMessage() {
        ByteBuf buf = buffer("+A\r\n+BB\r\n");
        try {
            RespScanner scanner = new RespScanner();
            assertThat(scanner.scan(buf)).isEqualTo(4);
            assertThat(scanner.scan(buf)).isEqualTo(4);
            buf.skipBytes(4);
            assertThat(scanner.scan(buf)).isEqualTo(5);
        } finally {
            buf.release();
        }
    }

    // ---- linear work ----

    @Test
    void tenMegabyteBulkStringInSixtyFourKibChunksIsNotReadAgain() {
        int size = 10 * 1024 * 1024;
        byte[] header = bytes("$" + size + "\r\n");
        byte[] wire = new byte[header.length + size + 2];
        System.arraycopy(header, 0, wire, 0, header.length);
        wire[wire.length - 2] = '\r';
        wire[wire.length - 1] = '\n';

        Fed fed = feed(wire, 64 * 1024);

        assertThat(fed.lengths).containsExactly(wire.length);
        assertThat(fed.calls).isGreaterThan(160);
        // Only the header (searched for its CR, then its digits parsed) and the final CRLF are read; the data is
        // skipped however many reads it takes to arrive.
        assertThat(fed.examined).isLessThanOrEqualTo(2L * header.length + 2);
    }

    @Test
    void largeArrayInSixtyFourKibChunksIsScannedInLinearWork() {
        String element = "$5\r\nhello\r\n";
        int count = 200_000;
        byte[] wire = bytes("*" + count + "\r\n" + element.repeat(count));

        Fed fed = feed(wire, 64 * 1024);

        assertThat(fed.lengths).containsExactly(wire.length);
        // Rescanning from the start on every read would examine about wire.length^2 / (2 * 64 KiB) ~ 37 million
        // bytes; resuming examines each byte about once (plus a type byte and a CR per read).
        assertThat(fed.examined).isLessThanOrEqualTo(wire.length + 2L * fed.calls);
    }

    @Test
    void largeArrayFedByteByByteIsScannedInLinearWork() {
        String element = ":123\r\n+OK\r\n$3\r\nabc\r\n";
        int count = 10_000;
        byte[] wire = bytes("*" + (count * 3) + "\r\n" + element.repeat(count));

        Fed fed = feed(wire, 1);

        assertThat(fed.lengths).containsExactly(wire.length);
        assertThat(fed.calls).isEqualTo(wire.length);
        assertThat(fed.examined).isLessThanOrEqualTo(3L * wire.length);
    }

    @Test
    void longSimpleStringFedByteByByteIsScannedInLinearWork() {
        byte[] wire = bytes("+" + "x".repeat(60_000) + "\r\n");

        Fed fed = feed(wire, 1);

        assertThat(fed.lengths).containsExactly(wire.length);
        assertThat(fed.examined).isLessThanOrEqualTo(3L * wire.length);
    }

    private record Fed(List<Integer> lengths, int calls, long examined) {
    }

    private static Fed feed(byte[] wire, int chunkSize) {
        RespScanner scanner = new RespScanner();
        ByteBuf cumulation = Unpooled.buffer(wire.length);
        List<Integer> lengths = new ArrayList<>();
        int calls = 0;
        try {
            for (int offset = 0; offset < wire.length; offset += chunkSize) {
                cumulation.writeBytes(wire, offset, Math.min(chunkSize, wire.length - offset));
                calls++;
                int length = scanner.scan(cumulation);
                if (length >= 0) {
                    lengths.add(length);
                    cumulation.skipBytes(length);
                    scanner.reset();
                }
            }
        } finally {
            cumulation.release();
        }
        return new Fed(lengths, calls, scanner.bytesExamined());
    }

    // ---- limits ----

    @Test
    void nestingUpToTheLimitIsAccepted() {
        String wire = "*1\r\n".repeat(1024) + ":1\r\n";
        ByteBuf buf = buffer(wire);
        try {
            assertThat(new RespScanner().scan(buf)).isEqualTo(wire.length());
        } finally {
            buf.release();
        }
    }

    @Test
    void lineOfExactlyTheMaximumLengthIsAccepted() {
        String wire = "+" + "a".repeat(RespLimits.DEFAULT_MAX_LINE_LENGTH) + "\r\n";
        ByteBuf buf = buffer(wire);
        try {
            assertThat(new RespScanner().scan(buf)).isEqualTo(wire.length());
        } finally {
            buf.release();
        }
    }

    @Test
    void lineOfTheMaximumLengthWithoutCrlfYetIsOnlyIncomplete() {
        ByteBuf buf = buffer("+" + "a".repeat(RespLimits.DEFAULT_MAX_LINE_LENGTH));
        try {
            assertThat(new RespScanner().scan(buf)).isEqualTo(-1);
        } finally {
            buf.release();
        }
    }

    @Test
    void configuredBulkLimitIsEnforced() {
        RespLimits limits = new RespLimits(10, 1024, 1024);
        ByteBuf ok = buffer("$10\r\n0123456789\r\n");
        ByteBuf tooBig = buffer("$11\r\n");
        try {
            assertThat(new RespScanner(limits).scan(ok)).isEqualTo(17);
            assertThatThrownBy(() -> new RespScanner(limits).scan(tooBig))
                    .isInstanceOf(RespDecodeException.class)
                    .hasMessage("Error decoding valkey frame: bulk length 11 in a '$' header exceeds the maximum of 10 bytes"
                            + " at offset 0");
        } finally {
            ok.release();
            tooBig.release();
        }
    }

    // ---- invalid input ----

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of("invalid_valkey_frame\r\n", "invalid type byte 0x69 ('i') at offset 0"),
                Arguments.of("i", "invalid type byte 0x69 ('i') at offset 0"),
                Arguments.of("PING\r\n", "invalid type byte 0x50 ('P') at offset 0"),
                Arguments.of("*1\r\nPING\r\n", "invalid type byte 0x50 ('P') at offset 4"),
                Arguments.of("\u0000", "invalid type byte 0x00 at offset 0"),
                Arguments.of("$3x\r\nfoo\r\n", "non-digit 0x78 ('x') in the length of a '$' header at offset 2"),
                Arguments.of("* 1\r\n", "non-digit 0x20 (' ') in the length of a '*' header at offset 1"),
                Arguments.of("$\r\n", "empty length in a '$' header at offset 0"),
                Arguments.of("*-\r\n", "empty length in a '*' header at offset 0"),
                Arguments.of("$-2\r\n", "negative length -2 in a '$' header (only -1, the null, is allowed) at offset 0"),
                Arguments.of("%-1\r\n", "negative length -1 in a '%' header at offset 0"),
                Arguments.of("*99999999999999999999\r\n",
                        "length \"99999999999999999999\" out of range in a '*' header at offset 0"),
                Arguments.of("*1073741824\r\n",
                        "aggregate length 1073741824 in a '*' header exceeds the maximum of 1073741823 elements at offset 0"),
                Arguments.of("$536870913\r\n",
                        "bulk length 536870913 in a '$' header exceeds the maximum of 536870912 bytes at offset 0"),
                Arguments.of("$3\r\nfooXY", "missing CRLF after bulk data, found 0x58 ('X') 0x59 ('Y') at offset 7"),
                Arguments.of("+OK\rX", "CR not followed by LF, found 0x58 ('X') at offset 4"),
                Arguments.of("+OK\n", "LF without a preceding CR at offset 3"),
                Arguments.of("*2\r\n:1\r\n:2\n", "LF without a preceding CR at offset 10"),
                Arguments.of(":12a\r\n", "invalid integer \"12a\" at offset 0"),
                Arguments.of(":\r\n", "invalid integer \"\" at offset 0"),
                Arguments.of(":9223372036854775808\r\n", "invalid integer \"9223372036854775808\" at offset 0"),
                Arguments.of("#x\r\n", "invalid boolean \"x\", expected t or f at offset 0"),
                Arguments.of("_x\r\n", "invalid null \"x\", expected nothing before CRLF at offset 0"),
                Arguments.of(",abc\r\n", "invalid double \"abc\" at offset 0"),
                Arguments.of(",1e\r\n", "invalid double \"1e\" at offset 0"),
                Arguments.of("(12a\r\n", "invalid big number \"12a\" at offset 0"),
                Arguments.of("=3\r\ntxt\r\n", "verbatim string length 3 is shorter than its 4-byte format prefix at offset 0"),
                Arguments.of("=6\r\ntxtxab\r\n",
                        "invalid verbatim string: expected ':' after the 3-byte format, found 0x78 ('x') at offset 7"),
                Arguments.of("*1\r\n".repeat(1025) + ":1\r\n", "aggregates nested deeper than 1024 at offset 4096"),
                Arguments.of("+" + "a".repeat(RespLimits.DEFAULT_MAX_LINE_LENGTH + 1),
                        "line longer than 65536 bytes without CRLF at offset 0"));
    }

    @ParameterizedTest
    @MethodSource("invalidInputs")
    void invalidInputIsRejectedWithAPreciseMessage(String wire, String problem) {
        ByteBuf buf = buffer(wire);
        try {
            RespScanner scanner = new RespScanner();
            assertThatThrownBy(() -> scanner.scan(buf))
                    .isInstanceOf(RespDecodeException.class)
                    .hasMessage("Error decoding valkey frame: " + problem);
        } finally {
            buf.release();
        }
    }

    @Test
    void errorCarriesItsOffsetAndLeavesTheScannerReusable() {
        RespScanner scanner = new RespScanner();
        ByteBuf partial = buffer("*2\r\n:1\r\n");
        ByteBuf bad = buffer("*2\r\n:1\r\n!x\r\n");
        ByteBuf good = buffer("+OK\r\n");
        try {
            assertThat(scanner.scan(partial)).isEqualTo(-1);
            assertThatThrownBy(() -> scanner.scan(bad))
                    .isInstanceOfSatisfying(RespDecodeException.class, e -> assertThat(e.offset()).isEqualTo(9))
                    .hasMessage("Error decoding valkey frame: non-digit 0x78 ('x') in the length of a '!' header at offset 9");
            assertThat(scanner.scan(good)).isEqualTo(5);
        } finally {
            partial.release();
            bad.release();
            good.release();
        }
    }
}
