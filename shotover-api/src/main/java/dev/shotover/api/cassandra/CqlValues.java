package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decodes and encodes CQL cell values with their column types ({@link RawType} from a result's column specs, see
 * {@link CqlRows} for whole result sets).
 *
 * <p><b>Java types</b> ({@link #decode} returns them; {@link #encode} accepts them, plus the widenings noted):
 * <table>
 *   <caption>CQL type to Java type</caption>
 *   <tr><th>CQL type</th><th>Java type</th></tr>
 *   <tr><td>ascii, text/varchar</td><td>{@link String}</td></tr>
 *   <tr><td>bigint, counter</td><td>{@link Long} (encode also takes Integer, Short, Byte)</td></tr>
 *   <tr><td>int</td><td>{@link Integer} (encode also takes Short, Byte, or a Long that fits)</td></tr>
 *   <tr><td>smallint</td><td>{@link Short} (encode also takes an integral number that fits)</td></tr>
 *   <tr><td>tinyint</td><td>{@link Byte} (encode also takes an integral number that fits)</td></tr>
 *   <tr><td>varint</td><td>{@link BigInteger} (encode also takes Long, Integer, Short, Byte)</td></tr>
 *   <tr><td>decimal</td><td>{@link BigDecimal}</td></tr>
 *   <tr><td>float</td><td>{@link Float}</td></tr>
 *   <tr><td>double</td><td>{@link Double} (encode also takes Float)</td></tr>
 *   <tr><td>boolean</td><td>{@link Boolean}</td></tr>
 *   <tr><td>blob</td><td>{@link ByteBuffer}, read-only (encode also takes {@code byte[]})</td></tr>
 *   <tr><td>uuid, timeuuid</td><td>{@link UUID}</td></tr>
 *   <tr><td>inet</td><td>{@link InetAddress} (an {@link Inet6Address} for every 16-byte address, also
 *       IPv4-mapped ones, so that they encode back to 16 bytes)</td></tr>
 *   <tr><td>timestamp</td><td>{@link Instant}, millisecond precision (encode also takes {@link Date})</td></tr>
 *   <tr><td>date</td><td>{@link LocalDate}</td></tr>
 *   <tr><td>time</td><td>{@link LocalTime}</td></tr>
 *   <tr><td>duration</td><td>{@link CqlDuration}</td></tr>
 *   <tr><td>list&lt;T&gt;</td><td>{@link List} (encode takes any {@link Collection})</td></tr>
 *   <tr><td>set&lt;T&gt;</td><td>{@link java.util.Set}, in the order read (encode takes any Collection)</td></tr>
 *   <tr><td>map&lt;K, V&gt;</td><td>{@link Map}, in the order read</td></tr>
 *   <tr><td>tuple&lt;...&gt;</td><td>{@link List} with one element per field (null elements allowed)</td></tr>
 *   <tr><td>user-defined type</td><td>{@link CqlUdtValue} (encode also takes a {@code Map<String, ?>})</td></tr>
 *   <tr><td>vector&lt;T, n&gt; (custom type {@code org.apache.cassandra.db.marshal.VectorType(T,n)})</td>
 *       <td>{@link List} of n elements (encode takes any Collection of n non-null elements)</td></tr>
 *   <tr><td>other custom types</td><td>{@link ByteBuffer}, the raw bytes, read-only</td></tr>
 * </table>
 * Decoded collections and maps are unmodifiable. A null cell decodes to null, and null encodes to a null cell. An
 * empty cell (zero bytes, which Cassandra allows for most types, e.g. written as {@code blobAsInt(0x)}) decodes to
 * null for every type except ascii, text, blob and custom types, whose empty value is {@code ""} / an empty buffer.
 *
 * <p><b>Round trip.</b> {@code encode(type, decode(type, bytes, v), v)} gives back {@code bytes} for every value
 * Cassandra writes itself; only non-canonical encodings (e.g. a varint with redundant leading bytes, a boolean byte
 * other than 0 and 1, duplicate set elements) come back canonical.
 *
 * <p><b>Wire format.</b> Collections use 32-bit sizes and element lengths from protocol v3 on (16-bit before);
 * UDT and tuple fields always 32-bit lengths. Vectors have no size prefix: elements of fixed-size types
 * (boolean, int, bigint, float, double, timestamp, uuid, timeuuid, and vectors of those) are concatenated, others
 * are each preceded by their length as an unsigned vint.
 *
 * <p><b>Buffers.</b> {@link #decode} does not move the position of the buffer it is given; blob (and raw custom)
 * values are read-only views of it, valid as long as the bytes are. {@link #encode} returns a new heap buffer.
 *
 * <p>Malformed bytes and values of the wrong Java type raise {@link IllegalArgumentException}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class CqlValues {
    private static final long DATE_EPOCH_OFFSET = 1L << 31;

    private CqlValues() {
    }

    /**
     * {@return the Java value of a cell, or null for a null cell}
     *
     * @param type            the column type
     * @param bytes           the cell bytes (position to limit), or null; not consumed
     * @param protocolVersion the connection's protocol version (collections differ before v3)
     * @throws IllegalArgumentException if the bytes are not a valid value of the type
     */
    public static Object decode(RawType type, ByteBuffer bytes, int protocolVersion) {
        if (bytes == null) {
            return null;
        }
        try {
            return decodeValue(type, bytes.duplicate(), protocolVersion);
        } catch (BufferUnderflowException | DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed " + MarshalTypes.cqlName(type) + " value", e);
        }
    }

    /**
     * {@return the cell bytes of a Java value, or null for null}
     *
     * @param type            the column type
     * @param value           a value of the Java type {@link #decode} returns for that column type
     * @param protocolVersion the connection's protocol version
     * @throws IllegalArgumentException if the value does not fit the type
     */
    public static ByteBuffer encode(RawType type, Object value, int protocolVersion) {
        if (value == null) {
            return null;
        }
        Output out = new Output();
        encodeValue(type, value, protocolVersion, out);
        return out.toBuffer();
    }

    /**
     * {@return the protocol type of {@code vector<elementType, dimensions>}: a custom type named
     * {@code org.apache.cassandra.db.marshal.VectorType(<element type>,<dimensions>)}, as Cassandra 5 sends it}
     *
     * @param elementType the element type
     * @param dimensions  the number of elements, at least 1
     */
    public static RawType vectorType(RawType elementType, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("a vector has at least one dimension: " + dimensions);
        }
        return new RawType.RawCustom(MarshalTypes.PACKAGE + "VectorType(" + MarshalTypes.format(elementType) + ","
                + dimensions + ")");
    }

    // ---- decoding ---------------------------------------------------------------------------------------------

    /** Decodes all of {@code b} (a private duplicate, consumed). */
    private static Object decodeValue(RawType type, ByteBuffer b, int version) {
        if (type instanceof RawType.RawList list) {
            return Collections.unmodifiableList(elements(list.elementType, b, version));
        }
        if (type instanceof RawType.RawSet set) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(elements(set.elementType, b, version)));
        }
        if (type instanceof RawType.RawMap map) {
            int size = readSize(b, version);
            Map<Object, Object> result = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                Object key = readElement(map.keyType, b, version);
                result.put(key, readElement(map.valueType, b, version));
            }
            requireConsumed(b, type);
            return Collections.unmodifiableMap(result);
        }
        if (type instanceof RawType.RawUdt udt) {
            List<Map.Entry<String, RawType>> fields = new ArrayList<>(udt.fields.entrySet());
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; b.hasRemaining(); i++) {
                if (i == fields.size()) {
                    throw new IllegalArgumentException("more fields than " + MarshalTypes.cqlName(type) + " has");
                }
                values.put(fields.get(i).getKey(), readField(fields.get(i).getValue(), b, version));
            }
            return new CqlUdtValue(values);
        }
        if (type instanceof RawType.RawTuple tuple) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < tuple.fieldTypes.size() && b.hasRemaining(); i++) {
                values.add(readField(tuple.fieldTypes.get(i), b, version));
            }
            requireConsumed(b, type);
            return Collections.unmodifiableList(values);
        }
        if (type instanceof RawType.RawCustom custom) {
            MarshalTypes.Vector vector = MarshalTypes.vector(custom.className);
            if (vector != null) {
                return decodeVector(vector, b, version);
            }
            RawType resolved = MarshalTypes.parse(custom.className);
            if (!(resolved instanceof RawType.RawCustom)) {
                return decodeValue(resolved, b, version);
            }
            return b.slice().asReadOnlyBuffer();
        }
        return decodePrimitive(type, b);
    }

    private static Object decodePrimitive(RawType type, ByteBuffer b) {
        int id = type.id;
        switch (id) {
            case DataType.ASCII:
                return new String(bytes(b), StandardCharsets.US_ASCII);
            case DataType.VARCHAR:
            case 0x000A: // text: the v1 id of varchar, still a valid id
                return new String(bytes(b), StandardCharsets.UTF_8);
            case DataType.BLOB:
                return b.slice().asReadOnlyBuffer();
            default:
                break;
        }
        if (!b.hasRemaining()) {
            return null;
        }
        switch (id) {
            case DataType.BOOLEAN:
                return fixed(b, 1, type).get() != 0;
            case DataType.INT:
                return fixed(b, 4, type).getInt();
            case DataType.BIGINT:
            case DataType.COUNTER:
                return fixed(b, 8, type).getLong();
            case DataType.SMALLINT:
                return fixed(b, 2, type).getShort();
            case DataType.TINYINT:
                return fixed(b, 1, type).get();
            case DataType.FLOAT:
                return Float.intBitsToFloat(fixed(b, 4, type).getInt());
            case DataType.DOUBLE:
                return Double.longBitsToDouble(fixed(b, 8, type).getLong());
            case DataType.TIMESTAMP:
                return Instant.ofEpochMilli(fixed(b, 8, type).getLong());
            case DataType.UUID:
            case DataType.TIMEUUID:
                fixed(b, 16, type);
                return new UUID(b.getLong(), b.getLong());
            case DataType.VARINT:
                return new BigInteger(bytes(b));
            case DataType.DECIMAL:
                if (b.remaining() < 5) {
                    throw new IllegalArgumentException("decimal value must be at least 5 bytes, got " + b.remaining());
                }
                int scale = b.getInt();
                return new BigDecimal(new BigInteger(bytes(b)), scale);
            case DataType.INET:
                return inet(bytes(b));
            case DataType.DATE:
                long days = (fixed(b, 4, type).getInt() & 0xFFFFFFFFL) - DATE_EPOCH_OFFSET;
                return LocalDate.ofEpochDay(days);
            case DataType.TIME:
                return LocalTime.ofNanoOfDay(fixed(b, 8, type).getLong());
            case DataType.DURATION:
                int months = Math.toIntExact(VInts.readSigned(b));
                int daysOfDuration = Math.toIntExact(VInts.readSigned(b));
                long nanos = VInts.readSigned(b);
                requireConsumed(b, type);
                return new CqlDuration(months, daysOfDuration, nanos);
            default:
                return b.slice().asReadOnlyBuffer();
        }
    }

    private static InetAddress inet(byte[] address) {
        try {
            if (address.length == 16) {
                // InetAddress.getByAddress would turn an IPv4-mapped address into 4 bytes
                return Inet6Address.getByAddress(null, address, -1);
            }
            if (address.length == 4) {
                return InetAddress.getByAddress(address);
            }
        } catch (UnknownHostException e) {
            // only thrown for a bad length, handled below
        }
        throw new IllegalArgumentException("inet value must be 4 or 16 bytes, got " + address.length);
    }

    private static List<Object> decodeVector(MarshalTypes.Vector vector, ByteBuffer b, int version) {
        int fixedSize = fixedSize(vector.elementType());
        List<Object> elements = new ArrayList<>(vector.dimensions());
        for (int i = 0; i < vector.dimensions(); i++) {
            int length = fixedSize >= 0 ? fixedSize : Math.toIntExact(VInts.readUnsigned(b));
            elements.add(decodeValue(vector.elementType(), slice(b, length), version));
        }
        requireConsumed(b, new RawType.RawCustom("vector"));
        return Collections.unmodifiableList(elements);
    }

    private static List<Object> elements(RawType elementType, ByteBuffer b, int version) {
        int size = readSize(b, version);
        List<Object> elements = new ArrayList<>(Math.min(size, b.remaining()));
        for (int i = 0; i < size; i++) {
            elements.add(readElement(elementType, b, version));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("extra bytes after " + size + " collection elements");
        }
        return elements;
    }

    private static int readSize(ByteBuffer b, int version) {
        int size = version >= 3 ? b.getInt() : b.getShort() & 0xFFFF;
        if (size < 0) {
            throw new IllegalArgumentException("negative collection size " + size);
        }
        return size;
    }

    /** A collection element: {@code [bytes]} from v3 on (negative length = null), {@code [short bytes]} before. */
    private static Object readElement(RawType type, ByteBuffer b, int version) {
        int length = version >= 3 ? b.getInt() : b.getShort() & 0xFFFF;
        return length < 0 ? null : decodeValue(type, slice(b, length), version);
    }

    /** A UDT or tuple field: always {@code [bytes]}. */
    private static Object readField(RawType type, ByteBuffer b, int version) {
        int length = b.getInt();
        return length < 0 ? null : decodeValue(type, slice(b, length), version);
    }

    /** Takes the next {@code length} bytes of {@code b} as a buffer of their own. */
    private static ByteBuffer slice(ByteBuffer b, int length) {
        if (length > b.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = b.slice();
        slice.limit(length);
        b.position(b.position() + length);
        return slice;
    }

    private static ByteBuffer fixed(ByteBuffer b, int size, RawType type) {
        if (b.remaining() != size) {
            throw new IllegalArgumentException(MarshalTypes.cqlName(type) + " value must be " + size
                    + " bytes, got " + b.remaining());
        }
        return b;
    }

    private static void requireConsumed(ByteBuffer b, RawType type) {
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " extra bytes after a " + MarshalTypes.cqlName(type)
                    + " value");
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    /** Cassandra's {@code valueLengthIfFixed}: the types a vector stores without length prefixes. */
    private static int fixedSize(RawType type) {
        if (type instanceof RawType.RawCustom custom) {
            MarshalTypes.Vector vector = MarshalTypes.vector(custom.className);
            if (vector == null) {
                return -1;
            }
            int element = fixedSize(vector.elementType());
            return element < 0 ? -1 : element * vector.dimensions();
        }
        if (!(type instanceof RawType.RawPrimitive)) {
            return -1;
        }
        return switch (type.id) {
            case DataType.BOOLEAN -> 1;
            case DataType.INT, DataType.FLOAT -> 4;
            case DataType.BIGINT, DataType.DOUBLE, DataType.TIMESTAMP -> 8;
            case DataType.UUID, DataType.TIMEUUID -> 16;
            default -> -1;
        };
    }

    // ---- encoding ---------------------------------------------------------------------------------------------

    private static void encodeValue(RawType type, Object value, int version, Output out) {
        if (type instanceof RawType.RawList list) {
            writeCollection(list.elementType, collection(value, type), version, out);
        } else if (type instanceof RawType.RawSet set) {
            writeCollection(set.elementType, collection(value, type), version, out);
        } else if (type instanceof RawType.RawMap mapType) {
            Map<?, ?> map = as(Map.class, value, type);
            writeSize(map.size(), version, out);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                writeElement(mapType.keyType, entry.getKey(), version, out);
                writeElement(mapType.valueType, entry.getValue(), version, out);
            }
        } else if (type instanceof RawType.RawUdt udt) {
            writeUdt(udt, value, version, out);
        } else if (type instanceof RawType.RawTuple tuple) {
            List<?> values = as(List.class, value, type);
            if (values.size() > tuple.fieldTypes.size()) {
                throw new IllegalArgumentException(values.size() + " values for " + MarshalTypes.cqlName(type));
            }
            for (int i = 0; i < values.size(); i++) {
                writeField(tuple.fieldTypes.get(i), values.get(i), version, out);
            }
        } else if (type instanceof RawType.RawCustom custom) {
            MarshalTypes.Vector vector = MarshalTypes.vector(custom.className);
            RawType resolved = vector == null ? MarshalTypes.parse(custom.className) : custom;
            if (vector != null) {
                writeVector(vector, collection(value, type), version, out);
            } else if (!(resolved instanceof RawType.RawCustom)) {
                encodeValue(resolved, value, version, out);
            } else {
                out.write(blob(value, type));
            }
        } else {
            encodePrimitive(type, value, out);
        }
    }

    private static void encodePrimitive(RawType type, Object value, Output out) {
        switch (type.id) {
            case DataType.ASCII: {
                String s = as(CharSequence.class, value, type).toString();
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) > 0x7F) {
                        throw new IllegalArgumentException("ascii value with non-ASCII character at " + i);
                    }
                }
                out.write(s.getBytes(StandardCharsets.US_ASCII));
                break;
            }
            case DataType.VARCHAR:
            case 0x000A:
                out.write(as(CharSequence.class, value, type).toString().getBytes(StandardCharsets.UTF_8));
                break;
            case DataType.BLOB:
                out.write(blob(value, type));
                break;
            case DataType.BOOLEAN:
                out.writeByte(as(Boolean.class, value, type) ? 1 : 0);
                break;
            case DataType.INT:
                out.writeInt((int) integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE, type));
                break;
            case DataType.BIGINT:
            case DataType.COUNTER:
                out.writeLong(integral(value, Long.MIN_VALUE, Long.MAX_VALUE, type));
                break;
            case DataType.SMALLINT:
                out.writeShort((int) integral(value, Short.MIN_VALUE, Short.MAX_VALUE, type));
                break;
            case DataType.TINYINT:
                out.writeByte((int) integral(value, Byte.MIN_VALUE, Byte.MAX_VALUE, type));
                break;
            case DataType.FLOAT:
                out.writeInt(Float.floatToRawIntBits(as(Float.class, value, type)));
                break;
            case DataType.DOUBLE:
                double d = value instanceof Float f ? f.doubleValue() : as(Double.class, value, type);
                out.writeLong(Double.doubleToRawLongBits(d));
                break;
            case DataType.TIMESTAMP:
                long millis = value instanceof Date date ? date.getTime()
                        : as(Instant.class, value, type).toEpochMilli();
                out.writeLong(millis);
                break;
            case DataType.UUID:
            case DataType.TIMEUUID: {
                UUID uuid = as(UUID.class, value, type);
                out.writeLong(uuid.getMostSignificantBits());
                out.writeLong(uuid.getLeastSignificantBits());
                break;
            }
            case DataType.VARINT:
                out.write(value instanceof BigInteger big ? big.toByteArray()
                        : BigInteger.valueOf(integral(value, Long.MIN_VALUE, Long.MAX_VALUE, type)).toByteArray());
                break;
            case DataType.DECIMAL: {
                BigDecimal decimal = as(BigDecimal.class, value, type);
                out.writeInt(decimal.scale());
                out.write(decimal.unscaledValue().toByteArray());
                break;
            }
            case DataType.INET:
                out.write(as(InetAddress.class, value, type).getAddress());
                break;
            case DataType.DATE: {
                long days = as(LocalDate.class, value, type).toEpochDay() + DATE_EPOCH_OFFSET;
                if (days < 0 || days > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException("date out of range: " + value);
                }
                out.writeInt((int) days);
                break;
            }
            case DataType.TIME:
                out.writeLong(as(LocalTime.class, value, type).toNanoOfDay());
                break;
            case DataType.DURATION: {
                CqlDuration duration = as(CqlDuration.class, value, type);
                VInts.writeSigned(duration.months(), out);
                VInts.writeSigned(duration.days(), out);
                VInts.writeSigned(duration.nanoseconds(), out);
                break;
            }
            default:
                out.write(blob(value, type));
        }
    }

    private static void writeUdt(RawType.RawUdt udt, Object value, int version, Output out) {
        Map<?, ?> values = value instanceof CqlUdtValue udtValue ? udtValue.fields() : as(Map.class, value, udt);
        List<String> names = new ArrayList<>(udt.fields.keySet());
        int last = -1;
        for (Object name : values.keySet()) {
            int index = names.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException(MarshalTypes.cqlName(udt) + " has no field " + name);
            }
            last = Math.max(last, index);
        }
        // trailing absent fields are left out, as in values written before the type gained them
        for (int i = 0; i <= last; i++) {
            writeField(udt.fields.get(names.get(i)), values.get(names.get(i)), version, out);
        }
    }

    private static void writeVector(MarshalTypes.Vector vector, Collection<?> values, int version, Output out) {
        if (values.size() != vector.dimensions()) {
            throw new IllegalArgumentException("vector of " + vector.dimensions() + " dimensions given "
                    + values.size() + " elements");
        }
        int fixedSize = fixedSize(vector.elementType());
        for (Object element : values) {
            if (element == null) {
                throw new IllegalArgumentException("vector elements cannot be null");
            }
            Output item = new Output();
            encodeValue(vector.elementType(), element, version, item);
            if (fixedSize >= 0) {
                if (item.length() != fixedSize) {
                    throw new IllegalArgumentException("vector element must be " + fixedSize + " bytes");
                }
            } else {
                VInts.writeUnsigned(item.length(), out);
            }
            out.write(item);
        }
    }

    private static void writeCollection(RawType elementType, Collection<?> values, int version, Output out) {
        writeSize(values.size(), version, out);
        for (Object element : values) {
            writeElement(elementType, element, version, out);
        }
    }

    private static void writeSize(int size, int version, Output out) {
        if (version >= 3) {
            out.writeInt(size);
        } else {
            out.writeShort(checkedShortLength(size));
        }
    }

    private static void writeElement(RawType type, Object value, int version, Output out) {
        if (version >= 3) {
            writeField(type, value, version, out);
            return;
        }
        if (value == null) {
            throw new IllegalArgumentException("protocol v" + version + " collections cannot hold null");
        }
        Output item = new Output();
        encodeValue(type, value, version, item);
        out.writeShort(checkedShortLength(item.length()));
        out.write(item);
    }

    private static void writeField(RawType type, Object value, int version, Output out) {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        Output item = new Output();
        encodeValue(type, value, version, item);
        out.writeInt(item.length());
        out.write(item);
    }

    private static int checkedShortLength(int length) {
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("too large for a 16-bit length: " + length);
        }
        return length;
    }

    private static byte[] blob(Object value, RawType type) {
        if (value instanceof byte[] array) {
            return array;
        }
        return bytes(as(ByteBuffer.class, value, type).duplicate());
    }

    private static Collection<?> collection(Object value, RawType type) {
        return as(Collection.class, value, type);
    }

    private static long integral(Object value, long min, long max, RawType type) {
        long v;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            v = ((Number) value).longValue();
        } else if (value instanceof BigInteger big && big.bitLength() < 64) {
            v = big.longValue();
        } else {
            throw wrongType(value, type);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(value + " is out of range for " + MarshalTypes.cqlName(type));
        }
        return v;
    }

    private static <T> T as(Class<T> javaType, Object value, RawType type) {
        if (!javaType.isInstance(value)) {
            throw wrongType(value, type);
        }
        return javaType.cast(value);
    }

    private static IllegalArgumentException wrongType(Object value, RawType type) {
        return new IllegalArgumentException("cannot encode a " + value.getClass().getName() + " as "
                + MarshalTypes.cqlName(type));
    }

    /** A growable byte array; cheaper than ByteArrayOutputStream for the many small writes here. */
    static final class Output {
        private byte[] bytes = new byte[16];
        private int length;

        int length() {
            return length;
        }

        void writeByte(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        void writeShort(int v) {
            ensure(2);
            bytes[length++] = (byte) (v >>> 8);
            bytes[length++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (v >>> shift);
            }
        }

        void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (v >>> shift);
            }
        }

        void write(byte[] data) {
            ensure(data.length);
            System.arraycopy(data, 0, bytes, length, data.length);
            length += data.length;
        }

        void write(Output other) {
            ensure(other.length);
            System.arraycopy(other.bytes, 0, bytes, length, other.length);
            length += other.length;
        }

        ByteBuffer toBuffer() {
            return ByteBuffer.wrap(Arrays.copyOf(bytes, length));
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
