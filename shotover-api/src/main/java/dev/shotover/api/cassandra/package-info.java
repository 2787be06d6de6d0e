/**
 * The Cassandra (CQL native protocol) frame model for transforms.
 *
 * <ul>
 *   <li>{@link dev.shotover.api.cassandra.CassandraFrame}: one envelope, its body a message class of the DataStax
 *       {@code native-protocol} library, decoded only when a transform asks
 *       ({@code message.frame(CassandraFrame.class)});</li>
 *   <li>{@link dev.shotover.api.cassandra.CqlStatement}: what a CQL statement does (kind, keyspace, table, columns,
 *       WHERE relations);</li>
 *   <li>{@link dev.shotover.api.cassandra.CqlValues}: cell values decoded from and encoded to their column types
 *       ({@link dev.shotover.api.cassandra.CqlDuration}, {@link dev.shotover.api.cassandra.CqlUdtValue});</li>
 *   <li>{@link dev.shotover.api.cassandra.CqlRows}: the rows of a result, decoded, and rebuilt with cells replaced;</li>
 *   <li>{@link dev.shotover.api.cassandra.CassandraErrorResponses}: protocol-native error responses (behind
 *       {@link dev.shotover.api.Message#errorResponse}).</li>
 * </ul>
 *
 * <p>This package needs {@code com.datastax.oss:native-protocol} (an optional dependency of {@code shotover-api}).
 */
package dev.shotover.api.cassandra;
