package dev.shotover.api.cassandra;

import dev.shotover.api.cassandra.CqlStatement.Assignment;
import dev.shotover.api.cassandra.CqlStatement.BatchType;
import dev.shotover.api.cassandra.CqlStatement.Kind;
import dev.shotover.api.cassandra.CqlStatement.Relation;
import dev.shotover.api.cassandra.CqlStatement.Selector;
import dev.shotover.api.cassandra.CqlStatement.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * The tolerant CQL parser behind {@link CqlStatement#parseAll}. It does not validate statements (Cassandra does);
 * it recognises the statement kind from the leading keywords and then picks out the parts transforms use, working on
 * token ranges split at top-level separators ({@code ,}, {@code AND}, clause keywords) so that one construct it does
 * not know spoils only its own range.
 *
 * <p>Stateless entry point; each statement is parsed by a short-lived {@link StatementParser}. Safe from any thread.
 */
final class CqlParser {
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?");
    private static final Pattern HEX_BLOB = Pattern.compile("0[xX][0-9a-fA-F]*");
    private static final Pattern ISO_DURATION = Pattern.compile("P(?:[0-9]+[YMWD])*(?:T(?:[0-9]+[HMS])+)?");

    private CqlParser() {
    }

    /** A run of tokens forming one statement; {@code from == to} for a batch without inner statements. */
    private record Span(int from, int to, BatchType batch, int charStart, int charEnd) {
    }

    static List<CqlStatement> parseAll(String cql) {
        List<CqlToken> tokens;
        try {
            tokens = CqlTokenizer.tokenize(cql);
        } catch (CqlTokenizer.LexicalError e) {
            return List.of(new CqlStatement(cql, Kind.UNKNOWN, null, null));
        }
        List<Span> spans = split(tokens);
        if (spans.isEmpty()) {
            return List.of(new CqlStatement(cql, Kind.UNKNOWN, null, null));
        }
        boolean whole = spans.size() == 1 && spans.get(0).batch() == null;
        List<CqlStatement> statements = new ArrayList<>(spans.size());
        for (Span span : spans) {
            if (span.from() == span.to()) {
                statements.add(new CqlStatement(cql.substring(span.charStart(), span.charEnd()), Kind.BATCH, null,
                        null, null, null, null, false, false, false, null, null, false, false, span.batch()));
                continue;
            }
            int base = whole ? 0 : tokens.get(span.from()).start();
            String text = whole ? cql : cql.substring(base, tokens.get(span.to() - 1).end());
            statements.add(new StatementParser(cql, text, base, tokens, span.from(), span.to(), span.batch()).parse());
        }
        return List.copyOf(statements);
    }

    /**
     * Splits the tokens into statements at {@code ;}. Inside {@code BEGIN ... BATCH} the {@code ;} between inner
     * statements is optional, so a batch is also split before each INSERT, UPDATE and DELETE (reserved words, so
     * they cannot be names) and ends at {@code APPLY BATCH}.
     */
    private static List<Span> split(List<CqlToken> tokens) {
        List<Span> spans = new ArrayList<>();
        int n = tokens.size();
        int i = 0;
        while (i < n) {
            CqlToken token = tokens.get(i);
            if (token.isSymbol(";")) {
                i++;
                continue;
            }
            if (token.is("BEGIN")) {
                int j = i + 1;
                BatchType type = BatchType.LOGGED;
                if (j < n && tokens.get(j).is("UNLOGGED")) {
                    type = BatchType.UNLOGGED;
                    j++;
                } else if (j < n && tokens.get(j).is("COUNTER")) {
                    type = BatchType.COUNTER;
                    j++;
                }
                if (j < n && tokens.get(j).is("BATCH")) {
                    i = splitBatch(tokens, i, j + 1, type, spans);
                    continue;
                }
            }
            int k = i;
            while (k < n && !tokens.get(k).isSymbol(";")) {
                k++;
            }
            spans.add(new Span(i, k, null, token.start(), tokens.get(k - 1).end()));
            i = k + 1;
        }
        return spans;
    }

    /** Adds the inner statements of a batch whose header ends before {@code j}; returns the index after it. */
    private static int splitBatch(List<CqlToken> tokens, int begin, int j, BatchType type, List<Span> spans) {
        int n = tokens.size();
        int before = spans.size();
        if (j < n && tokens.get(j).is("USING")) {
            while (j < n && !startsBatchChild(tokens.get(j)) && !isApplyBatch(tokens, j)
                    && !tokens.get(j).isSymbol(";")) {
                j++;
            }
        }
        while (j < n) {
            if (tokens.get(j).isSymbol(";")) {
                j++;
                continue;
            }
            if (isApplyBatch(tokens, j)) {
                j += 2;
                break;
            }
            int k = j + 1;
            while (k < n && !tokens.get(k).isSymbol(";") && !startsBatchChild(tokens.get(k))
                    && !isApplyBatch(tokens, k)) {
                k++;
            }
            spans.add(new Span(j, k, type, tokens.get(j).start(), tokens.get(k - 1).end()));
            j = k;
        }
        if (spans.size() == before) {
            spans.add(new Span(j, j, type, tokens.get(begin).start(), tokens.get(j - 1).end()));
        }
        return j;
    }

    private static boolean startsBatchChild(CqlToken token) {
        return token.is("INSERT") || token.is("UPDATE") || token.is("DELETE");
    }

    private static boolean isApplyBatch(List<CqlToken> tokens, int i) {
        return tokens.get(i).is("APPLY") && i + 1 < tokens.size() && tokens.get(i + 1).is("BATCH");
    }

    private static Kind kindOf(CqlToken first) {
        if (first.type() != CqlToken.Type.WORD) {
            return Kind.UNKNOWN;
        }
        return switch (first.text().toUpperCase(Locale.ROOT)) {
            case "SELECT" -> Kind.SELECT;
            case "INSERT" -> Kind.INSERT;
            case "UPDATE" -> Kind.UPDATE;
            case "DELETE" -> Kind.DELETE;
            case "TRUNCATE" -> Kind.TRUNCATE;
            case "USE" -> Kind.USE;
            case "CREATE" -> Kind.CREATE;
            case "ALTER" -> Kind.ALTER;
            case "DROP" -> Kind.DROP;
            case "GRANT" -> Kind.GRANT;
            case "REVOKE" -> Kind.REVOKE;
            case "LIST" -> Kind.LIST;
            default -> Kind.UNKNOWN;
        };
    }

    /** The statement does not follow the grammar here; whatever was parsed so far is kept. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses the tokens {@code [from, to)} of one statement. Single use, one thread. */
    private static final class StatementParser {
        private final String source;
        private final String text;
        private final int base;
        private final List<CqlToken> tokens;
        private final int from;
        private final int to;
        private int limit;
        private int p;

        private Kind kind;
        private String keyspace;
        private String table;
        private String objectType;
        private String objectName;
        private final List<Selector> selectors = new ArrayList<>();
        private boolean selectsAll;
        private boolean distinct;
        private boolean json;
        private final List<Relation> where = new ArrayList<>();
        private final List<Assignment> assignments = new ArrayList<>();
        private boolean conditional;
        private boolean allowFiltering;
        private final BatchType batch;

        StatementParser(String source, String text, int base, List<CqlToken> tokens, int from, int to,
                        BatchType batch) {
            this.source = source;
            this.text = text;
            this.base = base;
            this.tokens = tokens;
            this.from = from;
            this.to = to;
            this.limit = to;
            this.batch = batch;
        }

        CqlStatement parse() {
            kind = kindOf(tokens.get(from));
            p = from + 1;
            try {
                switch (kind) {
                    case SELECT -> select();
                    case INSERT -> insert();
                    case UPDATE -> update();
                    case DELETE -> delete();
                    case TRUNCATE -> truncate();
                    case USE -> keyspace = name();
                    case CREATE, ALTER, DROP -> schemaChange();
                    case GRANT, REVOKE -> grantOrRevoke();
                    case LIST -> list();
                    default -> {
                    }
                }
            } catch (RuntimeException e) {
                // Failure, or an index slip on text we did not anticipate: keep what was understood
            }
            return new CqlStatement(text, kind, keyspace, table, objectType, objectName, selectors, selectsAll,
                    distinct, json, where, assignments, conditional, allowFiltering, batch);
        }

        // ---- statements -------------------------------------------------------------------------------------

        private void select() {
            if (peekIs("JSON") && isSelectModifier(p + 1)) {
                json = true;
                p++;
            }
            if (peekIs("DISTINCT") && isSelectModifier(p + 1)) {
                distinct = true;
                p++;
            }
            int fromKeyword = find(p, to, k -> tok(k).is("FROM"));
            if (fromKeyword < 0) {
                throw new Failure("SELECT without FROM");
            }
            if (fromKeyword == p + 1 && tok(p).isSymbol("*")) {
                selectsAll = true;
            } else {
                for (int[] range : splitAtCommas(p, fromKeyword)) {
                    selectors.add(selector(range[0], range[1]));
                }
            }
            p = fromKeyword + 1;
            tableName();
            while (p < to) {
                if (peekIs("WHERE")) {
                    int stop = find(p + 1, to, this::startsSelectClause);
                    stop = stop < 0 ? to : stop;
                    relations(p + 1, stop);
                    p = stop;
                } else if (peekIs("ALLOW") && p + 1 < to && tok(p + 1).is("FILTERING")) {
                    allowFiltering = true;
                    p += 2;
                } else {
                    p++;
                }
            }
        }

        /** {@code JSON}/{@code DISTINCT} are modifiers unless they are themselves the selected column. */
        private boolean isSelectModifier(int next) {
            if (next >= to) {
                return false;
            }
            CqlToken t = tok(next);
            return !(t.is("FROM") || t.is("AS") || t.isSymbol(","));
        }

        private boolean startsSelectClause(int k) {
            CqlToken t = tok(k);
            boolean nextIs = k + 1 < to;
            return (t.is("GROUP") && nextIs && tok(k + 1).is("BY"))
                    || (t.is("ORDER") && nextIs && tok(k + 1).is("BY"))
                    || (t.is("PER") && nextIs && tok(k + 1).is("PARTITION"))
                    || t.is("LIMIT")
                    || (t.is("ALLOW") && nextIs && tok(k + 1).is("FILTERING"));
        }

        private Selector selector(int a, int b) {
            String alias = null;
            if (b - a >= 3 && tok(b - 2).is("AS") && tok(b - 1).isName()) {
                alias = tok(b - 1).name();
                b -= 2;
            }
            if (b - a == 1 && tok(a).isName()) {
                String column = tok(a).name();
                return new Selector(column, column, alias);
            }
            return new Selector(null, source(a, b), alias);
        }

        private void insert() {
            expect("INTO");
            tableName();
            if (accept("JSON")) {
                json = true;
            } else if (p < to && tok(p).isSymbol("(")) {
                int close = matching(p, to);
                List<String> columns = new ArrayList<>();
                for (int[] range : splitAtCommas(p + 1, close)) {
                    columns.add(tok(range[0]).name());
                }
                p = close + 1;
                expect("VALUES");
                if (p < to && tok(p).isSymbol("(")) {
                    int valuesClose = matching(p, to);
                    List<int[]> values = splitAtCommas(p + 1, valuesClose);
                    for (int i = 0; i < Math.min(columns.size(), values.size()); i++) {
                        assignments.add(new Assignment(columns.get(i), null, "=",
                                term(values.get(i)[0], values.get(i)[1])));
                    }
                    p = valuesClose + 1;
                }
            }
            conditional = find(p, to, k -> tok(k).is("IF")) >= 0;
        }

        private void update() {
            tableName();
            int set = find(p, to, k -> tok(k).is("SET"));
            if (set < 0) {
                throw new Failure("UPDATE without SET");
            }
            int whereKeyword = find(set + 1, to, k -> tok(k).is("WHERE"));
            int ifKeyword = find(set + 1, to, k -> tok(k).is("IF"));
            int assignmentsEnd = firstOf(whereKeyword, ifKeyword);
            for (int[] range : splitAtCommas(set + 1, assignmentsEnd)) {
                try {
                    assignments.add(assignment(range[0], range[1]));
                } catch (RuntimeException e) {
                    // an assignment form we do not know; the others are still useful
                }
            }
            whereAndIf(whereKeyword, ifKeyword);
        }

        private Assignment assignment(int a, int b) {
            int op = find(a, b, k -> tok(k).isSymbol("=") || tok(k).isSymbol("+=") || tok(k).isSymbol("-="));
            if (op <= a) {
                throw new Failure("not an assignment");
            }
            String column = nameAt(a);
            String element = null;
            if (op > a + 1) {
                if (tok(a + 1).isSymbol("[")) {
                    element = source(a + 2, matching(a + 1, op));
                } else if (tok(a + 1).isSymbol(".")) {
                    element = nameAt(a + 2);
                }
            }
            return new Assignment(column, element, tok(op).text(), term(op + 1, b));
        }

        private void delete() {
            int fromKeyword = find(p, to, k -> tok(k).is("FROM"));
            if (fromKeyword < 0) {
                throw new Failure("DELETE without FROM");
            }
            for (int[] range : splitAtCommas(p, fromKeyword)) {
                selectors.add(selector(range[0], range[1]));
            }
            p = fromKeyword + 1;
            tableName();
            whereAndIf(find(p, to, k -> tok(k).is("WHERE")), find(p, to, k -> tok(k).is("IF")));
        }

        /** The {@code WHERE ... [IF ...]} tail of UPDATE and DELETE. */
        private void whereAndIf(int whereKeyword, int ifKeyword) {
            if (whereKeyword >= 0) {
                relations(whereKeyword + 1, ifKeyword > whereKeyword ? ifKeyword : to);
            }
            conditional = ifKeyword >= 0;
        }

        private void truncate() {
            if (!accept("TABLE")) {
                accept("COLUMNFAMILY");
            }
            tableName();
        }

        private void schemaChange() {
            if (kind == Kind.CREATE && peekIs("OR") && p + 1 < to && tok(p + 1).is("REPLACE")) {
                p += 2;
            }
            accept("CUSTOM");
            CqlToken word = tok(p++);
            if (word.type() != CqlToken.Type.WORD) {
                throw new Failure("no object type");
            }
            String type = word.text().toUpperCase(Locale.ROOT);
            switch (type) {
                case "SCHEMA" -> type = "KEYSPACE";
                case "COLUMNFAMILY" -> type = "TABLE";
                case "MATERIALIZED" -> {
                    expect("VIEW");
                    type = "MATERIALIZED VIEW";
                }
                default -> {
                }
            }
            objectType = type;
            conditional = ifExists();
            switch (type) {
                case "KEYSPACE" -> {
                    keyspace = name();
                    objectName = keyspace;
                }
                case "TABLE", "MATERIALIZED VIEW" -> {
                    tableName();
                    objectName = table;
                }
                case "INDEX" -> {
                    if (kind == Kind.CREATE) {
                        if (!peekIs("ON")) {
                            objectName = qualifiedName()[1];
                        }
                        expect("ON");
                        tableName();
                    } else {
                        String[] name = qualifiedName();
                        keyspace = name[0];
                        objectName = name[1];
                    }
                }
                case "TYPE", "FUNCTION", "AGGREGATE" -> {
                    String[] name = qualifiedName();
                    keyspace = name[0];
                    objectName = name[1];
                }
                case "TRIGGER" -> {
                    objectName = name();
                    if (accept("ON")) {
                        tableName();
                    }
                }
                case "ROLE", "USER" -> objectName = roleName();
                default -> {
                }
            }
        }

        /** {@code IF NOT EXISTS} / {@code IF EXISTS} of schema statements. */
        private boolean ifExists() {
            if (!peekIs("IF")) {
                return false;
            }
            p++;
            accept("NOT");
            expect("EXISTS");
            return true;
        }

        private void grantOrRevoke() {
            String grantee = kind == Kind.GRANT ? "TO" : "FROM";
            int on = find(p, to, k -> tok(k).is("ON"));
            int target = find(p, to, k -> tok(k).is(grantee));
            if (on >= 0 && (target < 0 || on < target)) {
                objectType = "PERMISSION";
                resource(on + 1, target < 0 ? to : target);
            } else {
                objectType = "ROLE";
            }
            if (target >= 0) {
                p = target + 1;
                objectName = roleName();
            }
        }

        private void list() {
            if (accept("ROLES")) {
                objectType = "ROLES";
                if (accept("OF")) {
                    objectName = roleName();
                }
                return;
            }
            if (accept("USERS")) {
                objectType = "USERS";
                return;
            }
            if (peekIs("SUPERUSERS")) {
                objectType = "SUPERUSERS";
                return;
            }
            objectType = "PERMISSIONS";
            int on = find(p, to, k -> tok(k).is("ON"));
            int of = find(p, to, k -> tok(k).is("OF"));
            if (on >= 0) {
                resource(on + 1, of > on ? of : to);
            }
            if (of >= 0) {
                p = of + 1;
                objectName = roleName();
            }
        }

        /** A permission resource: {@code ALL KEYSPACES}, {@code KEYSPACE ks}, {@code [TABLE] ks.t}, ... */
        private void resource(int a, int b) {
            int saved = limit;
            limit = b;
            p = a;
            try {
                if (accept("ALL")) {
                    int in = find(p, b, k -> tok(k).is("IN"));
                    if (in >= 0) {
                        p = in + 1;
                        accept("KEYSPACE");
                        keyspace = name();
                    }
                } else if (accept("KEYSPACE")) {
                    keyspace = name();
                } else if (accept("TABLE")) {
                    tableName();
                } else if (accept("FUNCTION")) {
                    keyspace = qualifiedName()[0];
                } else if (!(peekIs("ROLE") || peekIs("MBEAN") || peekIs("MBEANS")) && p < b && tok(p).isName()) {
                    tableName();
                }
            } finally {
                limit = saved;
            }
        }

        // ---- relations and terms ----------------------------------------------------------------------------

        private void relations(int a, int b) {
            int start = a;
            while (start < b) {
                int and = find(start, b, k -> tok(k).is("AND"));
                int end = and < 0 ? b : and;
                if (end > start) {
                    try {
                        where.add(relation(start, end));
                    } catch (RuntimeException e) {
                        // a relation form we do not know; the others are still useful
                    }
                }
                start = end + 1;
            }
        }

        private Relation relation(int a, int b) {
            int i = a;
            String column;
            CqlToken first = tok(i);
            if (first.isSymbol("(")) {
                int close = matching(i, b);
                column = "(" + names(i + 1, close) + ")";
                i = close + 1;
            } else if (first.is("TOKEN") && i + 1 < b && tok(i + 1).isSymbol("(")) {
                int close = matching(i + 1, b);
                column = "token(" + names(i + 2, close) + ")";
                i = close + 1;
            } else if (first.isName()) {
                i++;
                if (i < b && tok(i).isSymbol("[")) {
                    int close = matching(i, b);
                    column = source(a, close + 1);
                    i = close + 1;
                } else if (i + 1 < b && tok(i).isSymbol(".") && tok(i + 1).isName()) {
                    column = source(a, i + 2);
                    i += 2;
                } else {
                    column = first.name();
                }
            } else {
                throw new Failure("relation without a column");
            }
            if (i >= b) {
                throw new Failure("relation without an operator");
            }
            CqlToken op = tok(i);
            String operator;
            if (op.type() == CqlToken.Type.SYMBOL && List.of("=", "<", ">", "<=", ">=", "!=").contains(op.text())) {
                operator = op.text();
                i++;
            } else if (op.is("IN") || op.is("LIKE")) {
                operator = op.text().toUpperCase(Locale.ROOT);
                i++;
            } else if (op.is("CONTAINS")) {
                i++;
                operator = "CONTAINS";
                if (i < b - 1 && tok(i).is("KEY")) {
                    operator = "CONTAINS KEY";
                    i++;
                }
            } else if (op.is("NOT") && i + 1 < b && (tok(i + 1).is("IN") || tok(i + 1).is("CONTAINS"))) {
                i++;
                operator = "NOT " + tok(i).text().toUpperCase(Locale.ROOT);
                i++;
                if (operator.equals("NOT CONTAINS") && i < b - 1 && tok(i).is("KEY")) {
                    operator = "NOT CONTAINS KEY";
                    i++;
                }
            } else if (op.is("IS") && i + 1 < b && tok(i + 1).is("NOT")) {
                operator = "IS NOT";
                i += 2;
            } else {
                throw new Failure("unknown operator " + op.text());
            }
            return new Relation(column, operator, term(i, b));
        }

        /** Comma-separated names, normalised; the text as written if it is not just names. */
        private String names(int a, int b) {
            List<String> names = new ArrayList<>();
            for (int[] range : splitAtCommas(a, b)) {
                if (range[1] - range[0] != 1 || !tok(range[0]).isName()) {
                    return source(a, b);
                }
                names.add(tok(range[0]).name());
            }
            return String.join(", ", names);
        }

        /** The term spanning exactly {@code [a, b)}; an {@link Term.Type#EXPRESSION} if it is not one primary. */
        private Term term(int a, int b) {
            if (a >= b) {
                throw new Failure("missing value");
            }
            int[] next = new int[1];
            Term primary = primary(a, b, next);
            if (next[0] == b) {
                return primary;
            }
            return newTerm(a, b, Term.Type.EXPRESSION, List.of());
        }

        private Term primary(int i, int b, int[] next) {
            CqlToken t = tok(i);
            next[0] = i + 1;
            switch (t.type()) {
                case STRING:
                    return newTerm(i, i + 1, Term.Type.STRING, List.of());
                case UUID:
                    return newTerm(i, i + 1, Term.Type.UUID, List.of());
                case NUMBER:
                    return newTerm(i, i + 1, numberType(t.text()), List.of());
                case QUOTED_NAME:
                    if (i + 1 < b && tok(i + 1).isSymbol("(")) {
                        return functionCall(i, i + 1, b, next);
                    }
                    return newTerm(i, i + 1, Term.Type.IDENTIFIER, List.of());
                case WORD:
                    return wordTerm(t, i, b, next);
                default:
                    break;
            }
            if (t.isSymbol("?")) {
                return newTerm(i, i + 1, Term.Type.BIND_MARKER, List.of());
            }
            if (t.isSymbol(":") && i + 1 < b && tok(i + 1).isName()) {
                next[0] = i + 2;
                return newTerm(i, i + 2, Term.Type.BIND_MARKER, List.of());
            }
            if (t.isSymbol("-") && i + 1 < b) {
                CqlToken n = tok(i + 1);
                if (n.type() == CqlToken.Type.NUMBER || n.is("NaN") || n.is("Infinity")) {
                    next[0] = i + 2;
                    Term.Type type = n.type() == CqlToken.Type.NUMBER ? numberType(n.text()) : Term.Type.NUMBER;
                    return newTerm(i, i + 2, type, List.of());
                }
            }
            if (t.isSymbol("(") || t.isSymbol("[")) {
                int close = matching(i, b);
                next[0] = close + 1;
                return newTerm(i, close + 1, t.isSymbol("(") ? Term.Type.TUPLE : Term.Type.LIST,
                        elements(i + 1, close));
            }
            if (t.isSymbol("{")) {
                int close = matching(i, b);
                next[0] = close + 1;
                return braces(i, close);
            }
            throw new Failure("not a term: " + t.text());
        }

        private Term wordTerm(CqlToken t, int i, int b, int[] next) {
            if (t.is("true") || t.is("false")) {
                return newTerm(i, i + 1, Term.Type.BOOLEAN, List.of());
            }
            if (t.is("null")) {
                return newTerm(i, i + 1, Term.Type.NULL, List.of());
            }
            if (t.is("NaN") || t.is("Infinity")) {
                return newTerm(i, i + 1, Term.Type.NUMBER, List.of());
            }
            if (i + 1 < b && tok(i + 1).isSymbol("(")) {
                return functionCall(i, i + 1, b, next);
            }
            if (i + 3 < b && tok(i + 1).isSymbol(".") && tok(i + 2).isName() && tok(i + 3).isSymbol("(")) {
                return functionCall(i, i + 3, b, next);
            }
            if (ISO_DURATION.matcher(t.text()).matches() && t.text().length() > 1) {
                return newTerm(i, i + 1, Term.Type.DURATION, List.of());
            }
            return newTerm(i, i + 1, Term.Type.IDENTIFIER, List.of());
        }

        private Term functionCall(int nameStart, int open, int b, int[] next) {
            int close = matching(open, b);
            next[0] = close + 1;
            return newTerm(nameStart, close + 1, Term.Type.FUNCTION_CALL, elements(open + 1, close));
        }

        /** {@code {...}}: a map or UDT literal when its first entry has a top-level {@code :}, else a set. */
        private Term braces(int open, int close) {
            List<int[]> entries = splitAtCommas(open + 1, close);
            boolean map = !entries.isEmpty() && colon(entries.get(0)[0], entries.get(0)[1]) > 0;
            if (!map) {
                return newTerm(open, close + 1, Term.Type.SET, elements(open + 1, close));
            }
            List<Term> keysAndValues = new ArrayList<>();
            for (int[] entry : entries) {
                int colon = colon(entry[0], entry[1]);
                if (colon < 0) {
                    throw new Failure("map entry without ':'");
                }
                keysAndValues.add(term(entry[0], colon));
                keysAndValues.add(term(colon + 1, entry[1]));
            }
            return newTerm(open, close + 1, Term.Type.MAP, keysAndValues);
        }

        /** The key/value {@code :} of a map entry; a leading {@code :} is a named bind marker, not a separator. */
        private int colon(int a, int b) {
            return find(a + 1, b, k -> tok(k).isSymbol(":") && k > a && !tok(k - 1).isSymbol(":"));
        }

        private List<Term> elements(int a, int b) {
            List<Term> elements = new ArrayList<>();
            for (int[] range : splitAtCommas(a, b)) {
                elements.add(term(range[0], range[1]));
            }
            return elements;
        }

        private static Term.Type numberType(String text) {
            if (PLAIN_NUMBER.matcher(text).matches()) {
                return Term.Type.NUMBER;
            }
            if (HEX_BLOB.matcher(text).matches()) {
                return Term.Type.BLOB;
            }
            return Term.Type.DURATION;
        }

        private Term newTerm(int a, int b, Term.Type type, List<Term> elements) {
            int start = tok(a).start();
            int end = tok(b - 1).end();
            return new Term(source.substring(start, end), type, start - base, end - base, elements);
        }

        // ---- names --------------------------------------------------------------------------------------------

        /** Reads {@code [keyspace.]table} into {@link #keyspace} and {@link #table}. */
        private void tableName() {
            String[] name = qualifiedName();
            keyspace = name[0];
            table = name[1];
        }

        private String[] qualifiedName() {
            String first = name();
            if (p < limit && tok(p).isSymbol(".")) {
                p++;
                return new String[] {first, name()};
            }
            return new String[] {null, first};
        }

        private String name() {
            String name = nameAt(p);
            p++;
            return name;
        }

        private String nameAt(int i) {
            if (i >= limit || !tok(i).isName()) {
                throw new Failure("expected a name");
            }
            return tok(i).name();
        }

        /** Role and user names may also be string literals. */
        private String roleName() {
            if (p < limit && tok(p).type() == CqlToken.Type.STRING) {
                return tok(p++).value();
            }
            return name();
        }

        // ---- token helpers ------------------------------------------------------------------------------------

        private CqlToken tok(int i) {
            if (i < from || i >= to) {
                throw new Failure("unexpected end of statement");
            }
            return tokens.get(i);
        }

        private boolean peekIs(String keyword) {
            return p < limit && tok(p).is(keyword);
        }

        private boolean accept(String keyword) {
            if (peekIs(keyword)) {
                p++;
                return true;
            }
            return false;
        }

        private void expect(String keyword) {
            if (!accept(keyword)) {
                throw new Failure("expected " + keyword);
            }
        }

        private String source(int a, int b) {
            return source.substring(tok(a).start(), tok(b - 1).end());
        }

        /** The first index in {@code [a, b)} outside any brackets that matches, or -1. */
        private int find(int a, int b, IntPredicate match) {
            int depth = 0;
            for (int k = a; k < b; k++) {
                CqlToken t = tok(k);
                if (depth == 0 && match.test(k)) {
                    return k;
                }
                if (t.opens()) {
                    depth++;
                } else if (t.closes() && depth > 0) {
                    depth--;
                }
            }
            return -1;
        }

        /** The index of the bracket closing the one at {@code open}. */
        private int matching(int open, int b) {
            int depth = 0;
            for (int k = open; k < b; k++) {
                CqlToken t = tok(k);
                if (t.opens()) {
                    depth++;
                } else if (t.closes() && --depth == 0) {
                    return k;
                }
            }
            throw new Failure("unbalanced brackets");
        }

        /** The non-empty ranges of {@code [a, b)} between top-level commas. */
        private List<int[]> splitAtCommas(int a, int b) {
            List<int[]> ranges = new ArrayList<>();
            int start = a;
            while (start < b) {
                int comma = find(start, b, k -> tok(k).isSymbol(","));
                int end = comma < 0 ? b : comma;
                if (end > start) {
                    ranges.add(new int[] {start, end});
                }
                start = end + 1;
            }
            return ranges;
        }

        private int firstOf(int a, int b) {
            if (a < 0) {
                return b < 0 ? to : b;
            }
            return b < 0 ? a : Math.min(a, b);
        }
    }
}
