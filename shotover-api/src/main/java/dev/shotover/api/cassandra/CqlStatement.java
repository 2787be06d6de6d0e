package dev.shotover.api.cassandra;

import dev.shotover.api.QueryType;
import java.util.List;
import java.util.Locale;

/**
 * What a CQL statement does, as far as transforms need to know: its kind, {@link QueryType}, target keyspace and
 * table, selected columns and WHERE relations. Produced by a small tolerant parser: a statement it does not
 * understand is {@link Kind#UNKNOWN} (classified {@code Read}, as Shotover does) rather than an error.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param cql       the statement text as sent
 * @param kind      the statement kind
 * @param keyspace  the keyspace named in the statement ({@code ks.table}) or by {@code USE ks}; null when unqualified
 * @param table     the table the statement reads or writes; null when it has none
 */
public record CqlStatement(String cql, Kind kind, String keyspace, String table) {

    /** The statement kinds the parser tells apart. */
    public enum Kind {
        /** {@code SELECT ...}. */
        SELECT(QueryType.READ),
        /** {@code INSERT ...}. */
        INSERT(QueryType.WRITE),
        /** {@code UPDATE ...}. */
        UPDATE(QueryType.WRITE),
        /** {@code DELETE ...}. */
        DELETE(QueryType.WRITE),
        /** {@code TRUNCATE ...}. */
        TRUNCATE(QueryType.WRITE),
        /** {@code BEGIN BATCH ... APPLY BATCH} as one query string. */
        BATCH(QueryType.WRITE),
        /** {@code USE keyspace}. */
        USE(QueryType.SCHEMA_CHANGE),
        /** {@code CREATE ...}. */
        CREATE(QueryType.SCHEMA_CHANGE),
        /** {@code ALTER ...}. */
        ALTER(QueryType.SCHEMA_CHANGE),
        /** {@code DROP ...}. */
        DROP(QueryType.SCHEMA_CHANGE),
        /** {@code GRANT ...}. */
        GRANT(QueryType.SCHEMA_CHANGE),
        /** {@code REVOKE ...}. */
        REVOKE(QueryType.SCHEMA_CHANGE),
        /** {@code LIST ROLES/USERS/PERMISSIONS}. */
        LIST(QueryType.READ),
        /** Anything the parser does not recognise. */
        UNKNOWN(QueryType.READ);

        private final QueryType queryType;

        Kind(QueryType queryType) {
            this.queryType = queryType;
        }

        /** {@return how statements of this kind are classified} */
        public QueryType queryType() {
            return queryType;
        }
    }

    /** {@return the classification of this statement} */
    public QueryType queryType() {
        return kind.queryType();
    }

    /**
     * {@return the statements of a query string: one, or several for {@code BEGIN BATCH ... APPLY BATCH}}
     *
     * @param cql the query string
     */
    public static List<CqlStatement> parseAll(String cql) {
        // placeholder until the full parser lands: first keyword only
        String first = cql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        Kind kind;
        try {
            kind = Kind.valueOf(first);
        } catch (IllegalArgumentException e) {
            kind = first.equals("BEGIN") ? Kind.BATCH : Kind.UNKNOWN;
        }
        return List.of(new CqlStatement(cql, kind, null, null));
    }
}
