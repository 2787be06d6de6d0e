package dev.shotover.api.cassandra;

import dev.shotover.api.QueryType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a CQL statement does, as far as transforms need to know: its kind, {@link QueryType}, target keyspace and
 * table, selected columns, WHERE relations and written values. Produced by a small tolerant parser
 * ({@link #parseAll}) that never throws:
 * <ul>
 *   <li>text it cannot even split into tokens (an unterminated string, quoted name or comment), or that does not
 *       start with a statement keyword, gives one {@link Kind#UNKNOWN} statement (classified {@code Read}, as
 *       Shotover does) holding the text;</li>
 *   <li>a statement whose leading keyword is known keeps that kind even when the rest does not follow the grammar
 *       the parser knows: the parts it could not follow are left empty (null, false or an empty list). So the
 *       classification never depends on the finer syntax.</li>
 * </ul>
 *
 * <p><b>Names.</b> Keyspace, table, column and role names are given the way Cassandra stores them: unquoted names
 * lower-cased ({@code MyTable} → {@code mytable}), double-quoted names exactly as written without the quotes
 * ({@code "MyTable"} → {@code MyTable}).
 *
 * <p><b>Batches.</b> {@code BEGIN [UNLOGGED|COUNTER] BATCH ... APPLY BATCH} is returned by {@link #parseAll} as one
 * statement per inner statement, each with its own kind and {@link #batchType()} set; a batch without inner
 * statements is one {@link Kind#BATCH} statement.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param cql            the statement text: the whole query string when it holds a single statement, else this
 *                       statement's part of it (without the separating {@code ;})
 * @param kind           the statement kind
 * @param keyspace       the keyspace named in the statement ({@code ks.table}, {@code USE ks},
 *                       {@code CREATE KEYSPACE ks}, {@code GRANT ... ON KEYSPACE ks}); null when unqualified, see
 *                       {@link #withKeyspace}
 * @param table          the table (or materialized view) the statement reads, writes or changes; for
 *                       {@code CREATE INDEX} and triggers the indexed table; null when it has none
 * @param objectType     for CREATE/ALTER/DROP what is changed: {@code KEYSPACE}, {@code TABLE}, {@code INDEX},
 *                       {@code TYPE}, {@code FUNCTION}, {@code AGGREGATE}, {@code MATERIALIZED VIEW},
 *                       {@code TRIGGER}, {@code ROLE}, {@code USER} or the unrecognised word; for GRANT/REVOKE
 *                       {@code PERMISSION} or {@code ROLE}; for LIST {@code ROLES}, {@code USERS},
 *                       {@code PERMISSIONS}; null otherwise
 * @param objectName     the name of that object (index, type, function, role, keyspace, table ...); for
 *                       GRANT/REVOKE the grantee role, for {@code LIST ... OF role} that role; may be null
 * @param selectors      for SELECT the selected expressions in result-column order (empty for {@code *}); for
 *                       DELETE the deleted columns (empty: the whole row)
 * @param selectsAll     true for {@code SELECT *} (and {@code SELECT JSON *})
 * @param distinct       true for {@code SELECT DISTINCT}
 * @param json           true for {@code SELECT JSON} and {@code INSERT ... JSON}
 * @param where          the relations of the WHERE clause (SELECT, UPDATE, DELETE) that the parser understood,
 *                       in order
 * @param assignments    for INSERT the column/value pairs of {@code (cols) VALUES (values)}; for UPDATE the
 *                       {@code SET} assignments
 * @param conditional    true if the statement has an IF clause: {@code IF NOT EXISTS}, {@code IF EXISTS} or
 *                       {@code IF} conditions (a lightweight transaction for INSERT/UPDATE/DELETE)
 * @param allowFiltering true for {@code SELECT ... ALLOW FILTERING}
 * @param batchType      the kind of the enclosing {@code BEGIN ... BATCH}; null when not in a batch string
 */
public record CqlStatement(String cql, Kind kind, String keyspace, String table, String objectType,
                           String objectName, List<Selector> selectors, boolean selectsAll, boolean distinct,
                           boolean json, List<Relation> where, List<Assignment> assignments, boolean conditional,
                           boolean allowFiltering, BatchType batchType) {

    /** Object types of CREATE/ALTER/DROP that live inside a keyspace, so that {@link #withKeyspace} applies. */
    private static final Set<String> KEYSPACE_SCOPED = Set.of("TABLE", "INDEX", "TYPE", "FUNCTION", "AGGREGATE",
            "MATERIALIZED VIEW", "TRIGGER");

    /**
     * Checks the components.
     *
     * @param cql            the statement text
     * @param kind           the statement kind
     * @param keyspace       the keyspace or null
     * @param table          the table or null
     * @param objectType     the schema object type or null
     * @param objectName     the schema object name or null
     * @param selectors      the selectors, null for none
     * @param selectsAll     true for {@code *}
     * @param distinct       true for DISTINCT
     * @param json           true for JSON
     * @param where          the WHERE relations, null for none
     * @param assignments    the assignments, null for none
     * @param conditional    true with an IF clause
     * @param allowFiltering true with ALLOW FILTERING
     * @param batchType      the batch type or null
     */
    public CqlStatement {
        Objects.requireNonNull(cql, "cql");
        Objects.requireNonNull(kind, "kind");
        selectors = selectors == null ? List.of() : List.copyOf(selectors);
        where = where == null ? List.of() : List.copyOf(where);
        assignments = assignments == null ? List.of() : List.copyOf(assignments);
    }

    /**
     * A statement with only the main facts.
     *
     * @param cql      the statement text
     * @param kind     the statement kind
     * @param keyspace the keyspace or null
     * @param table    the table or null
     */
    public CqlStatement(String cql, Kind kind, String keyspace, String table) {
        this(cql, kind, keyspace, table, null, null, null, false, false, false, null, null, false, false, null);
    }

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
        /** {@code BEGIN BATCH APPLY BATCH} with no inner statement (batches with some are split into them). */
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

    /** The kind of batch a statement came from. */
    public enum BatchType {
        /** {@code BEGIN BATCH}. */
        LOGGED,
        /** {@code BEGIN UNLOGGED BATCH}. */
        UNLOGGED,
        /** {@code BEGIN COUNTER BATCH}. */
        COUNTER
    }

    /**
     * One selected expression of a SELECT (or deleted column of a DELETE).
     *
     * @param column     the column name when the expression is a plain column reference, else null
     * @param expression the column name, or the expression as written ({@code count(*)}, {@code writetime(v)},
     *                   {@code m['k']})
     * @param alias      the {@code AS} alias, or null
     */
    public record Selector(String column, String expression, String alias) {
        /** {@return the name the client sees for this selector: the alias if any, else the expression} */
        public String resultName() {
            return alias != null ? alias : expression;
        }
    }

    /**
     * One relation of a WHERE clause.
     *
     * @param column   the column name; for other left-hand sides the normalised text: {@code token(a, b)},
     *                 {@code (a, b)}, or the text as written ({@code m['k']})
     * @param operator the operator in upper case: {@code =}, {@code <}, {@code >}, {@code <=}, {@code >=},
     *                 {@code !=}, {@code IN}, {@code NOT IN}, {@code CONTAINS}, {@code CONTAINS KEY},
     *                 {@code LIKE}, {@code IS NOT}
     * @param value    the right-hand side; a bind marker ({@code ?}, {@code :name}) is a term of type
     *                 {@link Term.Type#BIND_MARKER}; {@code IN (1, 2)} is a {@link Term.Type#TUPLE}
     */
    public record Relation(String column, String operator, Term value) {
        /** {@return the relation as CQL, e.g. {@code id = 5}} */
        public String toCql() {
            return column + " " + operator + " " + value.text();
        }
    }

    /**
     * One written column: an INSERT column with its value, or an UPDATE {@code SET} assignment.
     *
     * @param column   the column name
     * @param element  for {@code SET m['k'] = v} / {@code SET l[0] = v} the element selector as written
     *                 ({@code 'k'}, {@code 0}), for {@code SET u.f = v} the field name; null otherwise
     * @param operator {@code =}, {@code +=} or {@code -=}
     * @param value    the right-hand side; {@code c = c + 1} gives an {@link Term.Type#EXPRESSION}
     */
    public record Assignment(String column, String element, String operator, Term value) {
    }

    /**
     * A value as written in the statement: a literal, a bind marker, a collection, a function call or an
     * expression.
     *
     * @param text     the term exactly as written
     * @param type     what kind of term it is
     * @param start    its offset in the statement's {@link CqlStatement#cql()}
     * @param end      the offset after it
     * @param elements for collections, tuples and function calls the element (argument) terms; for maps and
     *                 UDT literals keys and values alternately; empty otherwise
     */
    public record Term(String text, Type type, int start, int end, List<Term> elements) {

        /** Kinds of terms. */
        public enum Type {
            /** A string literal ({@code 'it''s'} or {@code $$...$$}). */
            STRING,
            /** A number: integer, float, {@code NaN}, {@code Infinity}, possibly negative. */
            NUMBER,
            /** A blob literal {@code 0x...}. */
            BLOB,
            /** {@code true} or {@code false}. */
            BOOLEAN,
            /** A UUID literal. */
            UUID,
            /** A duration literal ({@code 1h30m}, {@code P1Y2M}). */
            DURATION,
            /** {@code null}. */
            NULL,
            /** A bind marker: {@code ?} or {@code :name}. */
            BIND_MARKER,
            /** {@code [...]}. */
            LIST,
            /** {@code {a, b}}. */
            SET,
            /** {@code {k: v}} (map or UDT literal). */
            MAP,
            /** {@code (a, b)}. */
            TUPLE,
            /** {@code fn(args)}. */
            FUNCTION_CALL,
            /** A bare name, e.g. the column in {@code c = c + 1}. */
            IDENTIFIER,
            /** Anything else, e.g. arithmetic; only {@link #text()} is meaningful. */
            EXPRESSION
        }

        /**
         * Checks the components.
         *
         * @param text     the text
         * @param type     the type
         * @param start    the start offset
         * @param end      the end offset
         * @param elements the elements, null for none
         */
        public Term {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(type, "type");
            elements = elements == null ? List.of() : List.copyOf(elements);
        }

        /** {@return true for {@code ?} and {@code :name}} */
        public boolean isBindMarker() {
            return type == Type.BIND_MARKER;
        }

        /** {@return the name of a named bind marker ({@code :name} → {@code name}), else null} */
        public String bindMarkerName() {
            if (type != Type.BIND_MARKER || !text.startsWith(":")) {
                return null;
            }
            String name = text.substring(1).strip();
            return name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"")
                    : name.toLowerCase(java.util.Locale.ROOT);
        }

        /** {@return true for a constant: string, number, blob, boolean, UUID, duration or null} */
        public boolean isLiteral() {
            return switch (type) {
                case STRING, NUMBER, BLOB, BOOLEAN, UUID, DURATION, NULL -> true;
                default -> false;
            };
        }

        /** {@return the content of a string literal (quotes removed, {@code ''} unescaped), else null} */
        public String stringValue() {
            if (type != Type.STRING) {
                return null;
            }
            if (text.startsWith("$$")) {
                return text.substring(2, text.length() - 2);
            }
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
    }

    /** {@return the classification of this statement} */
    public QueryType queryType() {
        return kind.queryType();
    }

    /** {@return the keyspace of a {@code USE} statement, null for other statements} */
    public String useKeyspace() {
        return kind == Kind.USE ? keyspace : null;
    }

    /** {@return true if the statement came from a {@code BEGIN ... APPLY BATCH} query string} */
    public boolean fromBatch() {
        return batchType != null;
    }

    /** {@return {@code keyspace.table}, or just the table when unqualified, or null without a table} */
    public String qualifiedTable() {
        if (table == null) {
            return null;
        }
        return keyspace == null ? table : keyspace + "." + table;
    }

    /**
     * {@return this statement with an unqualified table (or keyspace-scoped schema object) resolved against the
     * connection's current keyspace} Returns this statement unchanged when it already names a keyspace, has no
     * table, or {@code currentKeyspace} is null. The {@link #cql()} text is not changed.
     *
     * @param currentKeyspace the keyspace of the connection's last successful {@code USE}, or null
     */
    public CqlStatement withKeyspace(String currentKeyspace) {
        if (currentKeyspace == null || keyspace != null || kind == Kind.USE) {
            return this;
        }
        boolean scoped = table != null || (objectType != null && KEYSPACE_SCOPED.contains(objectType));
        if (!scoped) {
            return this;
        }
        return new CqlStatement(cql, kind, currentKeyspace, table, objectType, objectName, selectors, selectsAll,
                distinct, json, where, assignments, conditional, allowFiltering, batchType);
    }

    /**
     * {@return true if a SELECT returns column {@code column}: it is selected by name (with or without alias) or
     * the statement selects {@code *}}
     *
     * @param column a column name as Cassandra stores it
     */
    public boolean selectsColumn(String column) {
        if (kind != Kind.SELECT) {
            return false;
        }
        if (selectsAll) {
            return true;
        }
        for (Selector selector : selectors) {
            if (column.equals(selector.column())) {
                return true;
            }
        }
        return false;
    }

    /** {@return the column names of an INSERT's column list, in order; empty for other statements} */
    public List<String> insertColumns() {
        if (kind != Kind.INSERT) {
            return List.of();
        }
        return assignments.stream().map(Assignment::column).toList();
    }

    /** {@return the values of an INSERT's {@code VALUES} list, in order; empty for other statements} */
    public List<Term> insertValues() {
        if (kind != Kind.INSERT) {
            return List.of();
        }
        return assignments.stream().map(Assignment::value).toList();
    }

    /**
     * {@return the statement text with some of its terms replaced} Used to rewrite literal values, e.g. to
     * encrypt them, while keeping the rest of the text as the client wrote it.
     *
     * @param replacements terms of this statement (from {@link #where()}, {@link #assignments()}, ...) mapped to
     *                     the CQL text to put in their place
     * @throws IllegalArgumentException if a term lies outside this statement's text or two terms overlap
     */
    public String replaceTerms(Map<Term, String> replacements) {
        List<Map.Entry<Term, String>> sorted = new ArrayList<>(replacements.entrySet());
        sorted.sort(Comparator.comparingInt(e -> e.getKey().start()));
        StringBuilder out = new StringBuilder(cql.length() + 16);
        int copied = 0;
        for (Map.Entry<Term, String> entry : sorted) {
            Term term = entry.getKey();
            if (term.start() < copied || term.end() > cql.length()
                    || !cql.regionMatches(term.start(), term.text(), 0, term.text().length())) {
                throw new IllegalArgumentException("term " + term.text() + " at " + term.start()
                        + " is not part of this statement or overlaps another replaced term");
            }
            out.append(cql, copied, term.start()).append(entry.getValue());
            copied = term.end();
        }
        return out.append(cql, copied, cql.length()).toString();
    }

    /**
     * {@return the statements of a query string: one per {@code ;}-separated statement (normally one), and one per
     * inner statement of a {@code BEGIN ... APPLY BATCH}; never empty, never throws} Empty text gives one
     * {@link Kind#UNKNOWN} statement.
     *
     * @param cql the query string
     */
    public static List<CqlStatement> parseAll(String cql) {
        return CqlParser.parseAll(cql);
    }
}
