package dev.shotover.api.cassandra;

import java.util.Locale;

/**
 * One lexical token of a CQL string, with its position in the source so that the parser can hand back statement
 * and term text exactly as the client wrote it.
 *
 * @param type  what kind of token it is
 * @param text  the token as written (quotes included)
 * @param value the token's meaning: the unquoted, unescaped content of strings and quoted names; the text otherwise
 * @param start offset of the first character in the source
 * @param end   offset after the last character in the source
 */
record CqlToken(Type type, String text, String value, int start, int end) {

    /** Token kinds. */
    enum Type {
        /** An unquoted identifier or keyword. */
        WORD,
        /** A double-quoted identifier: case-sensitive. */
        QUOTED_NAME,
        /** A string literal, single-quoted or {@code $$}-delimited. */
        STRING,
        /** Anything starting with a digit: integers, floats, hex blobs ({@code 0x..}), durations ({@code 1h30m}). */
        NUMBER,
        /** A UUID literal. */
        UUID,
        /** Punctuation and operators, e.g. {@code ( , = <= ?}. */
        SYMBOL
    }

    /** {@return true for the unquoted keyword {@code keyword}, in any case} */
    boolean is(String keyword) {
        return type == Type.WORD && text.equalsIgnoreCase(keyword);
    }

    /** {@return true for the symbol {@code symbol}} */
    boolean isSymbol(String symbol) {
        return type == Type.SYMBOL && text.equals(symbol);
    }

    /** {@return true if the token can name a keyspace, table, column, role ...} */
    boolean isName() {
        return type == Type.WORD || type == Type.QUOTED_NAME;
    }

    /**
     * {@return the name as Cassandra stores it: unquoted names are case-insensitive and stored lower-cased, quoted
     * ones are kept exactly}
     */
    String name() {
        return type == Type.WORD ? text.toLowerCase(Locale.ROOT) : value;
    }

    /** {@return true for an opening bracket of any kind} */
    boolean opens() {
        return type == Type.SYMBOL && (text.equals("(") || text.equals("[") || text.equals("{"));
    }

    /** {@return true for a closing bracket of any kind} */
    boolean closes() {
        return type == Type.SYMBOL && (text.equals(")") || text.equals("]") || text.equals("}"));
    }
}
