package dev.shotover.api.cassandra;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CQL text into {@link CqlToken}s, dropping whitespace and comments ({@code -- ...}, {@code // ...},
 * {@code /* ... *}{@code /}).
 *
 * <p>Only lexical errors (an unterminated string, quoted name or comment) are reported; anything else becomes some
 * token and is left for the parser to judge. Stateless; safe from any thread.
 */
final class CqlTokenizer {
    private CqlTokenizer() {
    }

    /** The text cannot be split into tokens; the statement is then unknown. */
    static final class LexicalError extends RuntimeException {
        LexicalError(String message) {
            super(message, null, false, false);
        }
    }

    static List<CqlToken> tokenize(String cql) {
        List<CqlToken> tokens = new ArrayList<>();
        int n = cql.length();
        int i = 0;
        while (i < n) {
            char c = cql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (startsWith(cql, i, "--") || startsWith(cql, i, "//")) {
                int eol = cql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (startsWith(cql, i, "/*")) {
                int close = cql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new LexicalError("unterminated comment at " + i);
                }
                i = close + 2;
            } else if (c == '\'') {
                i = quoted(cql, i, '\'', CqlToken.Type.STRING, tokens);
            } else if (c == '"') {
                i = quoted(cql, i, '"', CqlToken.Type.QUOTED_NAME, tokens);
            } else if (startsWith(cql, i, "$$")) {
                int close = cql.indexOf("$$", i + 2);
                if (close < 0) {
                    throw new LexicalError("unterminated $$ string at " + i);
                }
                tokens.add(new CqlToken(CqlToken.Type.STRING, cql.substring(i, close + 2), cql.substring(i + 2, close),
                        i, close + 2));
                i = close + 2;
            } else if (isUuidAt(cql, i)) {
                String text = cql.substring(i, i + 36);
                tokens.add(new CqlToken(CqlToken.Type.UUID, text, text, i, i + 36));
                i += 36;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i + 1;
                while (end < n && isWordPart(cql.charAt(end))) {
                    end++;
                }
                String text = cql.substring(i, end);
                tokens.add(new CqlToken(CqlToken.Type.WORD, text, text, i, end));
                i = end;
            } else if (c >= '0' && c <= '9') {
                int end = numberEnd(cql, i);
                String text = cql.substring(i, end);
                tokens.add(new CqlToken(CqlToken.Type.NUMBER, text, text, i, end));
                i = end;
            } else {
                int len = isTwoCharSymbol(cql, i) ? 2 : 1;
                String text = cql.substring(i, i + len);
                tokens.add(new CqlToken(CqlToken.Type.SYMBOL, text, text, i, i + len));
                i += len;
            }
        }
        return tokens;
    }

    /** Reads a {@code quote}-delimited token in which a doubled quote stands for one. */
    private static int quoted(String cql, int start, char quote, CqlToken.Type type, List<CqlToken> tokens) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (true) {
            if (i >= cql.length()) {
                throw new LexicalError("unterminated " + (quote == '"' ? "quoted name" : "string") + " at " + start);
            }
            char c = cql.charAt(i);
            if (c == quote) {
                if (i + 1 < cql.length() && cql.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                    continue;
                }
                tokens.add(new CqlToken(type, cql.substring(start, i + 1), value.toString(), start, i + 1));
                return i + 1;
            }
            value.append(c);
            i++;
        }
    }

    /**
     * Numbers, hex blobs and durations all start with a digit and run on with letters, digits and dots; a sign
     * belongs to the number only right after the exponent marker of a float such as {@code 1.5e-3}.
     */
    private static int numberEnd(String cql, int start) {
        int i = start;
        while (i < cql.length()) {
            char c = cql.charAt(i);
            if (isWordPart(c) || c == '.') {
                i++;
            } else if ((c == '+' || c == '-') && isExponentSoFar(cql, start, i)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isExponentSoFar(String cql, int start, int end) {
        char last = cql.charAt(end - 1);
        if (last != 'e' && last != 'E') {
            return false;
        }
        for (int i = start; i < end - 1; i++) {
            char c = cql.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return end + 1 < cql.length() && Character.isDigit(cql.charAt(end + 1));
    }

    private static boolean isUuidAt(String cql, int i) {
        if (i + 36 > cql.length()) {
            return false;
        }
        for (int k = 0; k < 36; k++) {
            char c = cql.charAt(i + k);
            boolean dash = k == 8 || k == 13 || k == 18 || k == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return i + 36 == cql.length() || !isWordPart(cql.charAt(i + 36));
    }

    private static boolean isTwoCharSymbol(String cql, int i) {
        if (i + 1 >= cql.length() || cql.charAt(i + 1) != '=') {
            return false;
        }
        char c = cql.charAt(i);
        return c == '<' || c == '>' || c == '!' || c == '+' || c == '-';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean startsWith(String s, int i, String prefix) {
        return s.startsWith(prefix, i);
    }
}
