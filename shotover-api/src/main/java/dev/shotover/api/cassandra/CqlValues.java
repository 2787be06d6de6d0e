package dev.shotover.api.cassandra;

import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.ByteBuffer;

/**
 * Decodes and encodes CQL values with their column types ({@link RawType} from a result's column specs).
 *
 * <p>Stateless; safe from any thread.
 */
public final class CqlValues {
    private CqlValues() {
    }

    /**
     * {@return the Java value of a cell, or null for a null cell}
     *
     * @param type            the column type
     * @param bytes           the cell bytes (position to limit), or null; not consumed
     * @param protocolVersion the connection's protocol version (collections differ before v3)
     */
    public static Object decode(RawType type, ByteBuffer bytes, int protocolVersion) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * {@return the cell bytes of a Java value, or null for null}
     *
     * @param type            the column type
     * @param value           a value of the Java type {@link #decode} returns for that column type
     * @param protocolVersion the connection's protocol version
     */
    public static ByteBuffer encode(RawType type, Object value, int protocolVersion) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
