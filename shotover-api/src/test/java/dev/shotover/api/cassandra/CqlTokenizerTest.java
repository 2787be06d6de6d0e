package dev.shotover.api.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.cassandra.CqlToken.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class CqlTokenizerTest {

    private static List<String> texts(String cql) {
        return CqlTokenizer.tokenize(cql).stream().map(CqlToken::text).toList();
    }

    @Test
    void splitsWordsSymbolsAndLiterals() {
        List<CqlToken> tokens = CqlTokenizer.tokenize("a<=-1.5e-3,\"Q\"\"x\" 'it''s' $$a'b$$ 0xFF 1h30m");

        assertThat(tokens).extracting(CqlToken::type).containsExactly(Type.WORD, Type.SYMBOL, Type.SYMBOL,
                Type.NUMBER, Type.SYMBOL, Type.QUOTED_NAME, Type.STRING, Type.STRING, Type.NUMBER, Type.NUMBER);
        assertThat(tokens).extracting(CqlToken::text).containsExactly("a", "<=", "-", "1.5e-3", ",", "\"Q\"\"x\"",
                "'it''s'", "$$a'b$$", "0xFF", "1h30m");
        assertThat(tokens.get(5).value()).isEqualTo("Q\"x");
        assertThat(tokens.get(6).value()).isEqualTo("it's");
        assertThat(tokens.get(7).value()).isEqualTo("a'b");
    }

    @Test
    void positionsPointIntoTheSource() {
        String cql = "SELECT  x /* c */ FROM t";
        for (CqlToken token : CqlTokenizer.tokenize(cql)) {
            assertThat(cql.substring(token.start(), token.end())).isEqualTo(token.text());
        }
    }

    @Test
    void commentsOfAllThreeKindsAreDropped() {
        assertThat(texts("a -- one\nb // two\nc /* three\n */ d")).containsExactly("a", "b", "c", "d");
    }

    @Test
    void uuidsAreOneTokenEvenStartingWithALetter() {
        assertThat(CqlTokenizer.tokenize("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 - 1"))
                .extracting(CqlToken::type).containsExactly(Type.UUID, Type.SYMBOL, Type.NUMBER);
        // not a UUID: the word goes on
        assertThat(texts("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11x")).startsWith("a0eebc99", "-");
    }

    @Test
    void unterminatedLiteralsAreLexicalErrors() {
        assertThatThrownBy(() -> CqlTokenizer.tokenize("'abc")).isInstanceOf(CqlTokenizer.LexicalError.class);
        assertThatThrownBy(() -> CqlTokenizer.tokenize("\"abc")).isInstanceOf(CqlTokenizer.LexicalError.class);
        assertThatThrownBy(() -> CqlTokenizer.tokenize("$$abc")).isInstanceOf(CqlTokenizer.LexicalError.class);
        assertThatThrownBy(() -> CqlTokenizer.tokenize("/* abc")).isInstanceOf(CqlTokenizer.LexicalError.class);
    }
}
