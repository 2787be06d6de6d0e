package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants.DataType;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cassandra's server-side type names ({@code org.apache.cassandra.db.marshal.*}), which the native protocol uses for
 * custom types: notably {@code VectorType(FloatType,3)}, which has no protocol type id. Parses them into
 * {@link RawType}s and back.
 *
 * <p>Thread-safe: parsed vector types are cached in a concurrent map.
 */
final class MarshalTypes {
    static final String PACKAGE = "org.apache.cassandra.db.marshal.";
    private static final int CACHE_LIMIT = 1024;
    private static final Map<String, Optional<Vector>> VECTORS = new ConcurrentHashMap<>();

    private MarshalTypes() {
    }

    /**
     * A vector type.
     *
     * @param elementType the element type
     * @param dimensions  the fixed number of elements
     */
    record Vector(RawType elementType, int dimensions) {
    }

    /** {@return the vector type a custom type names, or null if it is not a vector} */
    static Vector vector(String className) {
        Optional<Vector> cached = VECTORS.get(className);
        if (cached == null) {
            Vector parsed;
            try {
                parsed = new Reader(className).vectorOrNull();
            } catch (RuntimeException e) {
                parsed = null;
            }
            cached = Optional.ofNullable(parsed);
            if (VECTORS.size() >= CACHE_LIMIT) {
                // custom type names come from schemas, so few are expected; this only bounds a pathological peer
                VECTORS.clear();
            }
            VECTORS.put(className, cached);
        }
        return cached.orElse(null);
    }

    /**
     * {@return the protocol type a server-side type name stands for: a primitive, collection, tuple or UDT type
     * when it has one, else a {@link RawType.RawCustom} (vectors and unknown types)}
     */
    static RawType parse(String className) {
        try {
            Reader reader = new Reader(className);
            RawType type = reader.type();
            return reader.atEnd() ? type : new RawType.RawCustom(className);
        } catch (RuntimeException e) {
            return new RawType.RawCustom(className);
        }
    }

    /** {@return the server-side name of a protocol type} */
    static String format(RawType type) {
        if (type instanceof RawType.RawCustom custom) {
            return custom.className;
        }
        if (type instanceof RawType.RawList list) {
            return PACKAGE + "ListType(" + format(list.elementType) + ")";
        }
        if (type instanceof RawType.RawSet set) {
            return PACKAGE + "SetType(" + format(set.elementType) + ")";
        }
        if (type instanceof RawType.RawMap map) {
            return PACKAGE + "MapType(" + format(map.keyType) + "," + format(map.valueType) + ")";
        }
        if (type instanceof RawType.RawTuple tuple) {
            List<String> fields = new ArrayList<>();
            for (RawType field : tuple.fieldTypes) {
                fields.add(format(field));
            }
            return PACKAGE + "TupleType(" + String.join(",", fields) + ")";
        }
        if (type instanceof RawType.RawUdt udt) {
            StringBuilder out = new StringBuilder(PACKAGE).append("UserType(").append(udt.keyspace).append(',')
                    .append(hex(udt.typeName));
            for (Map.Entry<String, RawType> field : udt.fields.entrySet()) {
                out.append(',').append(hex(field.getKey())).append(':').append(format(field.getValue()));
            }
            return out.append(')').toString();
        }
        String name = primitiveName(type.id);
        if (name == null) {
            throw new IllegalArgumentException("no server-side name for type id " + type.id);
        }
        return PACKAGE + name;
    }

    /** {@return the CQL spelling of a type, for messages: {@code map<text, int>}} */
    static String cqlName(RawType type) {
        if (type instanceof RawType.RawCustom custom) {
            Vector vector = vector(custom.className);
            return vector != null ? "vector<" + cqlName(vector.elementType()) + ", " + vector.dimensions() + ">"
                    : "'" + custom.className + "'";
        }
        if (type instanceof RawType.RawList list) {
            return "list<" + cqlName(list.elementType) + ">";
        }
        if (type instanceof RawType.RawSet set) {
            return "set<" + cqlName(set.elementType) + ">";
        }
        if (type instanceof RawType.RawMap map) {
            return "map<" + cqlName(map.keyType) + ", " + cqlName(map.valueType) + ">";
        }
        if (type instanceof RawType.RawTuple tuple) {
            List<String> fields = new ArrayList<>();
            for (RawType field : tuple.fieldTypes) {
                fields.add(cqlName(field));
            }
            return "tuple<" + String.join(", ", fields) + ">";
        }
        if (type instanceof RawType.RawUdt udt) {
            return udt.keyspace + "." + udt.typeName;
        }
        return switch (type.id) {
            case DataType.ASCII -> "ascii";
            case DataType.BIGINT -> "bigint";
            case DataType.BLOB -> "blob";
            case DataType.BOOLEAN -> "boolean";
            case DataType.COUNTER -> "counter";
            case DataType.DECIMAL -> "decimal";
            case DataType.DOUBLE -> "double";
            case DataType.FLOAT -> "float";
            case DataType.INT -> "int";
            case DataType.TIMESTAMP -> "timestamp";
            case DataType.UUID -> "uuid";
            case DataType.VARCHAR, 0x000A -> "text";
            case DataType.VARINT -> "varint";
            case DataType.TIMEUUID -> "timeuuid";
            case DataType.INET -> "inet";
            case DataType.DATE -> "date";
            case DataType.TIME -> "time";
            case DataType.SMALLINT -> "smallint";
            case DataType.TINYINT -> "tinyint";
            case DataType.DURATION -> "duration";
            default -> "type 0x" + Integer.toHexString(type.id);
        };
    }

    private static String primitiveName(int id) {
        return switch (id) {
            case DataType.ASCII -> "AsciiType";
            case DataType.BIGINT -> "LongType";
            case DataType.BLOB -> "BytesType";
            case DataType.BOOLEAN -> "BooleanType";
            case DataType.COUNTER -> "CounterColumnType";
            case DataType.DECIMAL -> "DecimalType";
            case DataType.DOUBLE -> "DoubleType";
            case DataType.FLOAT -> "FloatType";
            case DataType.INT -> "Int32Type";
            case DataType.TIMESTAMP -> "TimestampType";
            case DataType.UUID -> "UUIDType";
            case DataType.VARCHAR, 0x000A -> "UTF8Type";
            case DataType.VARINT -> "IntegerType";
            case DataType.TIMEUUID -> "TimeUUIDType";
            case DataType.INET -> "InetAddressType";
            case DataType.DATE -> "SimpleDateType";
            case DataType.TIME -> "TimeType";
            case DataType.SMALLINT -> "ShortType";
            case DataType.TINYINT -> "ByteType";
            case DataType.DURATION -> "DurationType";
            default -> null;
        };
    }

    private static int primitiveId(String simpleName) {
        return switch (simpleName) {
            case "AsciiType" -> DataType.ASCII;
            case "LongType" -> DataType.BIGINT;
            case "BytesType" -> DataType.BLOB;
            case "BooleanType" -> DataType.BOOLEAN;
            case "CounterColumnType" -> DataType.COUNTER;
            case "DecimalType" -> DataType.DECIMAL;
            case "DoubleType" -> DataType.DOUBLE;
            case "FloatType" -> DataType.FLOAT;
            case "Int32Type" -> DataType.INT;
            // DateType is the pre-2.0 timestamp type, same bytes
            case "TimestampType", "DateType" -> DataType.TIMESTAMP;
            case "UUIDType", "LexicalUUIDType" -> DataType.UUID;
            case "UTF8Type" -> DataType.VARCHAR;
            case "IntegerType" -> DataType.VARINT;
            case "TimeUUIDType" -> DataType.TIMEUUID;
            case "InetAddressType" -> DataType.INET;
            case "SimpleDateType" -> DataType.DATE;
            case "TimeType" -> DataType.TIME;
            case "ShortType" -> DataType.SMALLINT;
            case "ByteType" -> DataType.TINYINT;
            case "DurationType" -> DataType.DURATION;
            default -> -1;
        };
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A recursive-descent reader over one type name. */
    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            skipSpaces();
            return i == s.length();
        }

        Vector vectorOrNull() {
            String name = simpleName(word());
            if (!name.equals("VectorType") || !accept('(')) {
                return null;
            }
            RawType element = type();
            expect(',');
            int dimensions = Integer.parseInt(word());
            expect(')');
            return atEnd() && dimensions > 0 ? new Vector(element, dimensions) : null;
        }

        RawType type() {
            int start = skipSpaces();
            String name = simpleName(word());
            if (!accept('(')) {
                int id = primitiveId(name);
                RawType primitive = id < 0 ? null : RawType.PRIMITIVES.get(id);
                return primitive != null ? primitive : new RawType.RawCustom(s.substring(start, i).strip());
            }
            switch (name) {
                case "ListType": {
                    RawType element = type();
                    expect(')');
                    return new RawType.RawList(element);
                }
                case "SetType": {
                    RawType element = type();
                    expect(')');
                    return new RawType.RawSet(element);
                }
                case "MapType": {
                    RawType key = type();
                    expect(',');
                    RawType value = type();
                    expect(')');
                    return new RawType.RawMap(key, value);
                }
                case "FrozenType":
                case "ReversedType": {
                    // wrappers that change how Cassandra stores or sorts values, not their bytes
                    RawType inner = type();
                    expect(')');
                    return inner;
                }
                case "TupleType": {
                    List<RawType> fields = new ArrayList<>();
                    do {
                        fields.add(type());
                    } while (accept(','));
                    expect(')');
                    return new RawType.RawTuple(fields);
                }
                case "UserType": {
                    String keyspace = word();
                    expect(',');
                    String typeName = unhex(word());
                    Map<String, RawType> fields = new LinkedHashMap<>();
                    while (accept(',')) {
                        String field = unhex(word());
                        expect(':');
                        fields.put(field, type());
                    }
                    expect(')');
                    return new RawType.RawUdt(keyspace, typeName, fields);
                }
                default: {
                    skipParameters();
                    return new RawType.RawCustom(s.substring(start, i).strip());
                }
            }
        }

        /** Skips to after the {@code )} closing an already opened parameter list. */
        private void skipParameters() {
            int depth = 1;
            while (i < s.length() && depth > 0) {
                char c = s.charAt(i++);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            }
            if (depth != 0) {
                throw new IllegalArgumentException("unbalanced type name " + s);
            }
        }

        private String word() {
            int start = skipSpaces();
            while (i < s.length() && "(),:".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i).strip();
            if (word.isEmpty()) {
                throw new IllegalArgumentException("expected a name at " + start + " in " + s);
            }
            return word;
        }

        private static String simpleName(String name) {
            return name.startsWith(PACKAGE) ? name.substring(PACKAGE.length()) : name;
        }

        private boolean accept(char c) {
            skipSpaces();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!accept(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
            }
        }

        private int skipSpaces() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return i;
        }

        private static String unhex(String hex) {
            return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
        }
    }
}
