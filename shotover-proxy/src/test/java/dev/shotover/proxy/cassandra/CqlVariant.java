package dev.shotover.proxy.cassandra;

import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import java.util.List;

/**
 * A protocol version and envelope compression a driver session uses: what the passthrough suite is repeated over.
 *
 * @param version     the protocol version the session is forced to
 * @param compression the compression it asks for in STARTUP
 */
public record CqlVariant(DefaultProtocolVersion version, Compression compression) {

    /** Every combination the proxy supports: v3, v4 and v5 × none, LZ4 and Snappy, without Snappy on v5. */
    public static List<CqlVariant> all() {
        return List.of(
                new CqlVariant(DefaultProtocolVersion.V3, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V3, Compression.LZ4),
                new CqlVariant(DefaultProtocolVersion.V3, Compression.SNAPPY),
                new CqlVariant(DefaultProtocolVersion.V4, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V4, Compression.LZ4),
                new CqlVariant(DefaultProtocolVersion.V4, Compression.SNAPPY),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    /** {@return the protocol version's number, 3 to 5} */
    public int versionNumber() {
        return version.getCode();
    }

    /** {@return a short name usable in CQL identifiers and keys, e.g. {@code v4_lz4}} */
    public String tag() {
        return "v" + versionNumber() + "_" + compression.driverName();
    }

    @Override
    public String toString() {
        return tag();
    }
}
