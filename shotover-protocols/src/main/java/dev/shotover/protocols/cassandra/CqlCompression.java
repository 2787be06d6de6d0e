package dev.shotover.protocols.cassandra;

import java.util.Locale;
import java.util.Map;

/**
 * The compression a CQL connection negotiated with the {@code COMPRESSION} option of its STARTUP request.
 *
 * <p>In protocol v3 and v4 it applies to each envelope body (flag {@code 0x01}); in v5 only LZ4 exists, and it
 * applies to whole segments. Cassandra refuses Snappy on v5 ("Snappy compression is not supported in protocol V5"),
 * so a v5 STARTUP asking for it leaves the connection uncompressed here too.
 */
public enum CqlCompression {
    /** No compression. */
    NONE,
    /** LZ4 block compression. */
    LZ4,
    /** Snappy (v3 and v4 only). */
    SNAPPY;

    /** The STARTUP option naming the compression algorithm. */
    public static final String STARTUP_OPTION = "COMPRESSION";

    /**
     * {@return the compression asked for by a STARTUP request's options}
     *
     * <p>An unknown algorithm is treated as none: the server rejects the STARTUP, so nothing is ever compressed
     * with it.
     *
     * @param options         the STARTUP options
     * @param protocolVersion the version of the STARTUP envelope
     */
    public static CqlCompression fromStartupOptions(Map<String, String> options, int protocolVersion) {
        String name = options.get(STARTUP_OPTION);
        if (name == null) {
            return NONE;
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "lz4":
                return LZ4;
            case "snappy":
                return protocolVersion >= 5 ? NONE : SNAPPY;
            default:
                return NONE;
        }
    }
}
