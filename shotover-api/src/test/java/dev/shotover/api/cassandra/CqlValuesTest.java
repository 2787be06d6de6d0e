package dev.shotover.api.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CqlValuesTest {
    private static final int V4 = 4;

    private static RawType primitive(int id) {
        return RawType.PRIMITIVES.get(id);
    }

    private static final RawType ASCII = primitive(DataType.ASCII);
    private static final RawType BIGINT = primitive(DataType.BIGINT);
    private static final RawType BLOB = primitive(DataType.BLOB);
    private static final RawType BOOLEAN = primitive(DataType.BOOLEAN);
    private static final RawType COUNTER = primitive(DataType.COUNTER);
    private static final RawType DECIMAL = primitive(DataType.DECIMAL);
    private static final RawType DOUBLE = primitive(DataType.DOUBLE);
    private static final RawType FLOAT = primitive(DataType.FLOAT);
    private static final RawType INT = primitive(DataType.INT);
    private static final RawType TIMESTAMP = primitive(DataType.TIMESTAMP);
    private static final RawType UUID_TYPE = primitive(DataType.UUID);
    private static final RawType TEXT = primitive(DataType.VARCHAR);
    private static final RawType VARINT = primitive(DataType.VARINT);
    private static final RawType TIMEUUID = primitive(DataType.TIMEUUID);
    private static final RawType INET = primitive(DataType.INET);
    private static final RawType DATE = primitive(DataType.DATE);
    private static final RawType TIME = primitive(DataType.TIME);
    private static final RawType SMALLINT = primitive(DataType.SMALLINT);
    private static final RawType TINYINT = primitive(DataType.TINYINT);
    private static final RawType DURATION = primitive(DataType.DURATION);

    private static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static String hex(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Asserts both directions against known bytes, and that each direction inverts the other. */
    private static void assertCodec(RawType type, Object value, String expectedHex, int version) {
        ByteBuffer encoded = CqlValues.encode(type, value, version);
        assertThat(hex(encoded)).isEqualTo(expectedHex.replace(" ", ""));
        Object decoded = CqlValues.decode(type, hex(expectedHex), version);
        assertThat(decoded).isEqualTo(value);
        assertThat(CqlValues.encode(type, decoded, version)).isEqualTo(hex(expectedHex));
    }

    private static void assertCodec(RawType type, Object value, String expectedHex) {
        assertCodec(type, value, expectedHex, V4);
    }

    @Nested
    class Primitives {
        static Stream<Arguments> knownEncodings() throws Exception {
            return Stream.of(
                    Arguments.of(ASCII, "abc", "616263"),
                    Arguments.of(TEXT, "héllo", "68c3a96c6c6f"),
                    Arguments.of(TEXT, "", ""),
                    Arguments.of(BIGINT, -2L, "fffffffffffffffe"),
                    Arguments.of(COUNTER, 42L, "000000000000002a"),
                    Arguments.of(BOOLEAN, true, "01"),
                    Arguments.of(BOOLEAN, false, "00"),
                    Arguments.of(INT, 9042, "00002352"),
                    Arguments.of(INT, Integer.MIN_VALUE, "80000000"),
                    Arguments.of(SMALLINT, (short) -1, "ffff"),
                    Arguments.of(TINYINT, (byte) 127, "7f"),
                    Arguments.of(FLOAT, 1.5f, "3fc00000"),
                    Arguments.of(DOUBLE, -2.0, "c000000000000000"),
                    Arguments.of(VARINT, BigInteger.valueOf(128), "0080"),
                    Arguments.of(VARINT, BigInteger.valueOf(-1), "ff"),
                    Arguments.of(VARINT, new BigInteger("123456789012345678901234567890"),
                            "018ee90ff6c373e0ee4e3f0ad2"),
                    Arguments.of(DECIMAL, new BigDecimal("1.5"), "00000001 0f"),
                    Arguments.of(DECIMAL, new BigDecimal("-12300"), "00000000 cff4"),
                    Arguments.of(DECIMAL, new BigDecimal("1.23E+5"), "fffffffd 7b"),
                    Arguments.of(TIMESTAMP, Instant.ofEpochMilli(1_700_000_000_123L), "0000018bcfe5687b"),
                    Arguments.of(TIMESTAMP, Instant.ofEpochMilli(-1), "ffffffffffffffff"),
                    Arguments.of(UUID_TYPE, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                            "123e4567e89b12d3a456426614174000"),
                    Arguments.of(TIMEUUID, UUID.fromString("50554d6e-29bb-11e5-b345-feff819cdc9f"),
                            "50554d6e29bb11e5b345feff819cdc9f"),
                    Arguments.of(INET, InetAddress.getByName("127.0.0.1"), "7f000001"),
                    Arguments.of(INET, InetAddress.getByName("2001:db8::1"), "20010db8000000000000000000000001"),
                    Arguments.of(DATE, LocalDate.of(1970, 1, 1), "80000000"),
                    Arguments.of(DATE, LocalDate.of(1969, 12, 31), "7fffffff"),
                    Arguments.of(DATE, LocalDate.of(2024, 2, 29), "80004d46"),
                    Arguments.of(TIME, LocalTime.of(0, 0, 1), "000000003b9aca00"),
                    Arguments.of(TIME, LocalTime.MAX, "00004e94914effff"),
                    Arguments.of(DURATION, new CqlDuration(1, 2, 3), "02 04 06"),
                    Arguments.of(DURATION, new CqlDuration(-1, -1, -1), "01 01 01"),
                    // 1h = 3.6e12 ns, zig-zagged 7.2e12 = 0x68c61714000 needs 43 bits: 6 extra bytes, prefix 0xfc
                    Arguments.of(DURATION, new CqlDuration(0, 0, 3_600_000_000_000L), "00 00 fc068c61714000"),
                    Arguments.of(DURATION, new CqlDuration(Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE),
                            "f0fffffffe f0ffffffff ffffffffffffffffff"));
        }

        @ParameterizedTest
        @MethodSource("knownEncodings")
        void knownBytes(RawType type, Object value, String hex) {
            assertCodec(type, value, hex);
        }

        @Test
        void blobsDecodeToReadOnlyViewsAndAcceptByteArrays() {
            ByteBuffer cell = hex("cafebabe");
            ByteBuffer decoded = (ByteBuffer) CqlValues.decode(BLOB, cell, V4);

            assertThat(decoded.isReadOnly()).isTrue();
            assertThat(hex(decoded)).isEqualTo("cafebabe");
            assertThat(CqlValues.encode(BLOB, decoded, V4)).isEqualTo(cell);
            assertThat(CqlValues.encode(BLOB, new byte[] {1, 2}, V4)).isEqualTo(hex("0102"));
            assertThat(hex((ByteBuffer) CqlValues.decode(BLOB, hex(""), V4))).isEmpty();
        }

        @Test
        void ipv4MappedAddressesStaySixteenBytes() {
            String mapped = "00000000000000000000ffff01020304";
            Object decoded = CqlValues.decode(INET, hex(mapped), V4);

            assertThat(decoded).isInstanceOf(Inet6Address.class);
            assertThat(hex(CqlValues.encode(INET, decoded, V4))).isEqualTo(mapped);
            assertThat(CqlValues.decode(INET, hex("0a000001"), V4)).isInstanceOf(Inet4Address.class);
        }

        @Test
        void decodeDoesNotMoveTheInputPosition() {
            ByteBuffer cell = hex("ff 00002352");
            cell.position(1);

            assertThat(CqlValues.decode(INT, cell, V4)).isEqualTo(9042);
            assertThat(cell.position()).isEqualTo(1);
            assertThat(cell.remaining()).isEqualTo(4);
        }

        @Test
        void nullsAndEmptyCells() {
            assertThat(CqlValues.decode(INT, null, V4)).isNull();
            assertThat(CqlValues.encode(INT, null, V4)).isNull();
            assertThat(CqlValues.decode(INT, hex(""), V4)).isNull();
            assertThat(CqlValues.decode(TIMESTAMP, hex(""), V4)).isNull();
            assertThat(CqlValues.decode(TEXT, hex(""), V4)).isEqualTo("");
            assertThat(CqlValues.decode(ASCII, hex(""), V4)).isEqualTo("");
        }

        @Test
        void widenedJavaTypesAreAccepted() {
            assertThat(CqlValues.encode(BIGINT, 5, V4)).isEqualTo(hex("0000000000000005"));
            assertThat(CqlValues.encode(INT, (short) 5, V4)).isEqualTo(hex("00000005"));
            assertThat(CqlValues.encode(INT, 5L, V4)).isEqualTo(hex("00000005"));
            assertThat(CqlValues.encode(VARINT, 255, V4)).isEqualTo(hex("00ff"));
            assertThat(CqlValues.encode(DOUBLE, 1.5f, V4)).isEqualTo(hex("3ff8000000000000"));
            assertThat(CqlValues.encode(TIMESTAMP, new java.util.Date(1), V4)).isEqualTo(hex("0000000000000001"));
        }

        @Test
        void wrongJavaTypesAndOutOfRangeValuesAreRejected() {
            assertThatThrownBy(() -> CqlValues.encode(INT, "5", V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String as int");
            assertThatThrownBy(() -> CqlValues.encode(INT, 1L << 40, V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range for int");
            assertThatThrownBy(() -> CqlValues.encode(TINYINT, 128, V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.encode(ASCII, "é", V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.encode(FLOAT, 1.5, V4))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void malformedBytesAreRejected() {
            assertThatThrownBy(() -> CqlValues.decode(INT, hex("000001"), V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int value must be 4 bytes");
            assertThatThrownBy(() -> CqlValues.decode(INET, hex("0102"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.decode(DECIMAL, hex("00000001"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.decode(TIME, hex("7fffffffffffffff"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.decode(DURATION, hex("0204"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Collections {
        @Test
        void listV4AndV2() {
            RawType list = new RawType.RawList(INT);

            assertCodec(list, List.of(1, 2), "00000002 00000004 00000001 00000004 00000002", 4);
            assertCodec(list, List.of(1, 2), "0002 0004 00000001 0004 00000002", 2);
            assertCodec(list, List.of(), "00000000", 4);
        }

        @Test
        @SuppressWarnings("unchecked")
        void setAndMapKeepTheirOrder() {
            RawType set = new RawType.RawSet(TEXT);
            Set<String> values = new LinkedHashSet<>(List.of("b", "a"));
            assertCodec(set, values, "00000002 00000001 62 00000001 61");
            assertThat((Set<Object>) CqlValues.decode(set, CqlValues.encode(set, values, V4), V4))
                    .containsExactly("b", "a");

            RawType map = new RawType.RawMap(TEXT, INT);
            Map<String, Integer> entries = new LinkedHashMap<>();
            entries.put("z", 1);
            entries.put("a", 2);
            assertCodec(map, entries, "00000002 00000001 7a 00000004 00000001 00000001 61 00000004 00000002");
            Map<Object, Object> decoded = (Map<Object, Object>) CqlValues.decode(map,
                    CqlValues.encode(map, entries, V4), V4);
            assertThat(decoded.keySet()).containsExactly("z", "a");
        }

        @Test
        void nestedCollectionsAndNullElements() {
            RawType type = new RawType.RawMap(TEXT, new RawType.RawList(BIGINT));
            Map<String, List<Long>> value = Map.of("k", List.of(7L));
            assertCodec(type, value, "00000001 00000001 6b 00000010 00000001 00000008 0000000000000007");

            List<Integer> withNull = new ArrayList<>(Arrays.asList(1, null));
            assertCodec(new RawType.RawList(INT), withNull, "00000002 00000004 00000001 ffffffff");
        }

        @Test
        @SuppressWarnings("unchecked")
        void decodedCollectionsAreUnmodifiable() {
            Object list = CqlValues.decode(new RawType.RawList(INT), hex("00000001 00000004 00000001"), V4);

            assertThatThrownBy(() -> ((List<Object>) list).add(2)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void truncatedCollectionsAreRejected() {
            assertThatThrownBy(() -> CqlValues.decode(new RawType.RawList(INT), hex("00000002 00000004 00000001"), V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("list<int>");
            assertThatThrownBy(() -> CqlValues.decode(new RawType.RawList(INT), hex("00000000 00"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class UdtsAndTuples {
        private final RawType address = addressType();

        private static RawType addressType() {
            Map<String, RawType> fields = new LinkedHashMap<>();
            fields.put("street", TEXT);
            fields.put("zip", INT);
            fields.put("tags", new RawType.RawSet(TEXT));
            return new RawType.RawUdt("ks", "address", fields);
        }

        @Test
        void udtRoundTrip() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("street", "Main");
            fields.put("zip", 12345);
            fields.put("tags", null);
            CqlUdtValue value = new CqlUdtValue(fields);

            assertCodec(address, value, "00000004 4d61696e 00000004 00003039 ffffffff");
            assertThat(value.get("street")).isEqualTo("Main");
        }

        @Test
        void udtValueWithFewerFieldsThanItsTypeStaysShort() {
            CqlUdtValue decoded = (CqlUdtValue) CqlValues.decode(address, hex("00000001 41"), V4);

            assertThat(decoded.fields()).containsExactly(Map.entry("street", "A"));
            assertThat(CqlValues.encode(address, decoded, V4)).isEqualTo(hex("00000001 41"));
        }

        @Test
        void udtFromAPlainMapFillsGapsWithNull() {
            assertThat(hex(CqlValues.encode(address, Map.of("zip", 1), V4)))
                    .isEqualTo("ffffffff" + "0000000400000001");
            assertThatThrownBy(() -> CqlValues.encode(address, Map.of("nope", 1), V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field nope");
        }

        @Test
        void tupleWithNull() {
            RawType tuple = new RawType.RawTuple(List.of(INT, TEXT, BOOLEAN));
            List<Object> value = Arrays.asList(1, null, true);

            assertCodec(tuple, value, "00000004 00000001 ffffffff 00000001 01");
        }
    }

    @Nested
    class Vectors {
        private static final String FLOAT_VECTOR =
                "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType,3)";

        @Test
        void floatVectorAsCassandraNamesItHasNoLengthPrefixes() {
            RawType type = new RawType.RawCustom(FLOAT_VECTOR);

            assertCodec(type, List.of(1.0f, 2.5f, -3.0f), "3f800000 40200000 c0400000");
            assertThat(CqlValues.vectorType(FLOAT, 3)).isEqualTo(type);
        }

        @Test
        void variableSizeElementsHaveVintLengths() {
            RawType type = CqlValues.vectorType(TEXT, 2);

            assertCodec(type, List.of("a", "bc"), "01 61 02 6263");
            String longText = "x".repeat(200);
            ByteBuffer encoded = CqlValues.encode(type, List.of(longText, ""), V4);
            // 200 does not fit 7 bits: two-byte vint 0x80c8
            assertThat(hex(encoded)).startsWith("80c8").endsWith("00");
            assertThat(CqlValues.decode(type, encoded, V4)).isEqualTo(List.of(longText, ""));
        }

        @Test
        void fixedSizeVectorsOfVectorsAndVariableElements() {
            RawType nested = CqlValues.vectorType(CqlValues.vectorType(INT, 2), 2);
            assertCodec(nested, List.of(List.of(1, 2), List.of(3, 4)), "00000001 00000002 00000003 00000004");

            RawType ofLists = CqlValues.vectorType(new RawType.RawList(SMALLINT), 1);
            assertCodec(ofLists, List.of(List.of((short) 1)), "0a 00000001 00000002 0001");
        }

        @Test
        void wrongSizesAreRejected() {
            RawType type = new RawType.RawCustom(FLOAT_VECTOR);

            assertThatThrownBy(() -> CqlValues.encode(type, List.of(1.0f), V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 dimensions");
            assertThatThrownBy(() -> CqlValues.decode(type, hex("3f800000 40200000"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.decode(type, hex("3f800000 40200000 c0400000 00"), V4))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CqlValues.encode(type, Arrays.asList(1.0f, null, 2.0f), V4))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void otherCustomTypes() {
            RawType unknown = new RawType.RawCustom("com.example.MyType");
            ByteBuffer raw = (ByteBuffer) CqlValues.decode(unknown, hex("0102"), V4);
            assertThat(hex(raw)).isEqualTo("0102");
            assertThat(CqlValues.encode(unknown, raw, V4)).isEqualTo(hex("0102"));

            RawType int32 = new RawType.RawCustom("org.apache.cassandra.db.marshal.Int32Type");
            assertCodec(int32, 7, "00000007");

            RawType frozenList = new RawType.RawCustom("org.apache.cassandra.db.marshal.FrozenType("
                    + "org.apache.cassandra.db.marshal.ListType(org.apache.cassandra.db.marshal.UTF8Type))");
            assertCodec(frozenList, List.of("a"), "00000001 00000001 61");
        }

        @Test
        void vectorOfUdtUsesServerSideUdtName() {
            Map<String, RawType> fields = new LinkedHashMap<>();
            fields.put("x", INT);
            RawType point = new RawType.RawUdt("ks", "pt", fields);
            RawType type = CqlValues.vectorType(point, 1);

            assertThat(((RawType.RawCustom) type).className).isEqualTo(
                    "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.UserType(ks,7074,"
                            + "78:org.apache.cassandra.db.marshal.Int32Type),1)");
            assertCodec(type, List.of(new CqlUdtValue(Map.of("x", 5))), "08 00000004 00000005");
        }
    }

    @Nested
    class RoundTrips {
        private final Random random = new Random(20240611L);

        /** A random value generator per type: encode(decode(encode(v))) must give the same bytes and value. */
        private Map<RawType, Function<Random, Object>> generators() throws Exception {
            Map<RawType, Function<Random, Object>> g = new LinkedHashMap<>();
            g.put(ASCII, r -> randomAscii(r));
            g.put(TEXT, r -> randomAscii(r) + "ü€😀");
            g.put(BIGINT, Random::nextLong);
            g.put(COUNTER, Random::nextLong);
            g.put(BLOB, r -> {
                byte[] bytes = new byte[r.nextInt(40)];
                r.nextBytes(bytes);
                return ByteBuffer.wrap(bytes);
            });
            g.put(BOOLEAN, Random::nextBoolean);
            g.put(DECIMAL, r -> new BigDecimal(new BigInteger(r.nextInt(200) + 1, r), r.nextInt(40) - 20));
            g.put(DOUBLE, Random::nextDouble);
            g.put(FLOAT, Random::nextFloat);
            g.put(INT, Random::nextInt);
            g.put(TIMESTAMP, r -> Instant.ofEpochMilli(r.nextLong() >> 20));
            g.put(UUID_TYPE, r -> new UUID(r.nextLong(), r.nextLong()));
            g.put(VARINT, r -> new BigInteger(r.nextInt(300) + 1, r).subtract(BigInteger.TWO.pow(150)));
            g.put(TIMEUUID, r -> new UUID((r.nextLong() & ~0xF000L) | 0x1000L, r.nextLong()));
            g.put(INET, r -> {
                byte[] bytes = new byte[r.nextBoolean() ? 4 : 16];
                r.nextBytes(bytes);
                try {
                    return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1)
                            : InetAddress.getByAddress(bytes);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            g.put(DATE, r -> LocalDate.ofEpochDay(r.nextInt(2_000_000) - 1_000_000));
            g.put(TIME, r -> LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L)));
            g.put(SMALLINT, r -> (short) r.nextInt());
            g.put(TINYINT, r -> (byte) r.nextInt());
            g.put(DURATION, r -> {
                int sign = r.nextBoolean() ? 1 : -1;
                return new CqlDuration(sign * r.nextInt(1000), sign * r.nextInt(100_000),
                        sign * (r.nextLong() >>> (1 + r.nextInt(63))));
            });
            return g;
        }

        private static String randomAscii(Random r) {
            StringBuilder s = new StringBuilder();
            for (int i = r.nextInt(20); i > 0; i--) {
                s.append((char) (r.nextInt(95) + 32));
            }
            return s.toString();
        }

        @Test
        void everyNativeTypeAloneInCollectionsAndInVectors() throws Exception {
            for (Map.Entry<RawType, Function<Random, Object>> entry : generators().entrySet()) {
                RawType type = entry.getKey();
                Function<Random, Object> gen = entry.getValue();
                for (int i = 0; i < 50; i++) {
                    Object value = gen.apply(random);
                    roundTrip(type, value, V4);
                    roundTrip(new RawType.RawList(type), List.of(value, gen.apply(random)), V4);
                    roundTrip(new RawType.RawList(type), List.of(value), 3);
                    roundTrip(new RawType.RawList(type), List.of(value), 2);
                    roundTrip(new RawType.RawMap(INT, type), Map.of(i, value), 5);
                    roundTrip(new RawType.RawTuple(List.of(type, TEXT)), Arrays.asList(value, null), V4);
                    roundTrip(CqlValues.vectorType(type, 2), List.of(value, gen.apply(random)), 5);
                }
            }
        }

        private void roundTrip(RawType type, Object value, int version) {
            ByteBuffer bytes = CqlValues.encode(type, value, version);
            Object decoded = CqlValues.decode(type, bytes, version);
            assertThat(decoded).as("%s of %s", value, type).isEqualTo(value);
            assertThat(CqlValues.encode(type, decoded, version)).as("%s of %s", value, type).isEqualTo(bytes);
        }

        @Test
        void bytesFromTheWireComeBackIdentical() {
            // encode(decode(x)) == x starting from bytes, for bytes a server could send
            List<Object[]> cells = List.of(
                    new Object[] {new RawType.RawMap(TEXT, new RawType.RawSet(UUID_TYPE)),
                            "00000001 00000003 6b6579 00000018 00000001 00000010 123e4567e89b12d3a456426614174000"},
                    new Object[] {DECIMAL, "0000000a 00ff"},
                    new Object[] {VARINT, "ff7f"},
                    new Object[] {DURATION, "80c8 00 fe02000000000000"},
                    new Object[] {CqlValues.vectorType(DOUBLE, 1), "3ff0000000000000"});
            for (Object[] cell : cells) {
                RawType type = (RawType) cell[0];
                ByteBuffer bytes = hex((String) cell[1]);
                Object decoded = CqlValues.decode(type, bytes, V4);
                assertThat(CqlValues.encode(type, decoded, V4)).as("%s", cell[1]).isEqualTo(bytes);
            }
        }

        @Test
        void textIsUtf8() {
            assertThat(CqlValues.encode(TEXT, "€", V4))
                    .isEqualTo(ByteBuffer.wrap("€".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
