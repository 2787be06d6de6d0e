/**
 * The Cassandra codec: CQL native protocol v3, v4 and v5 framing (envelopes, v5 segments, LZ4 and Snappy
 * compression), version negotiation, lazy decoding and encoding of bodies with DataStax's {@code native-protocol}.
 *
 * <ul>
 *   <li>{@link dev.shotover.protocols.cassandra.CqlMessageDecoder} cuts the stream into lazy
 *       {@link dev.shotover.api.Message}s, each holding one uncompressed envelope, and answers requests in an
 *       unsupported protocol version itself;</li>
 *   <li>{@link dev.shotover.protocols.cassandra.CqlMessageEncoder} writes messages as their original bytes or
 *       re-encoded from their frame, compressed and framed as the connection negotiated;</li>
 *   <li>{@link dev.shotover.protocols.cassandra.CqlFrameParser} decodes an envelope into a
 *       {@link dev.shotover.api.cassandra.CassandraFrame} when a transform asks, and encodes changed frames;</li>
 *   <li>{@link dev.shotover.protocols.cassandra.CqlEnvelopes} reads and patches header fields without decoding;</li>
 *   <li>{@link dev.shotover.protocols.cassandra.CassandraCodecs} assembles the handlers for client and backend
 *       channels.</li>
 * </ul>
 *
 * <p>See {@code docs/design/cassandra.md}, section "Codec".
 */
package dev.shotover.protocols.cassandra;
