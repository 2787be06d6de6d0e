package dev.shotover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValkeyMessagesTest {

    @Test
    void commandLinesSplitAtSpacesWithQuotesGroupingWords() {
        assertThat(ValkeyMessages.frame("SET  key \"two words\" \"say \\\"hi\\\"\""))
                .isEqualTo(ValkeyFrame.command("SET", "key", "two words", "say \"hi\""));
        assertThat(ValkeyMessages.frame("SET k \"\"")).isEqualTo(ValkeyFrame.command("SET", "k", ""));
        assertThatThrownBy(() -> ValkeyMessages.frame("GET \"open")).hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> ValkeyMessages.frame("  ")).hasMessageContaining("empty command line");
    }

    @Test
    void requestsAreFrameMessagesWithFreshIdsInAMutableList() {
        List<Message> requests = ValkeyMessages.requests("GET a", "GET b");

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).id()).isNotEqualTo(requests.get(1).id());
        assertThat(requests.get(0).rawBytes()).isNull();
        requests.add(ValkeyMessages.command("PING"));
        assertThat(requests.get(2).frame()).isEqualTo(ValkeyFrame.command("PING"));
    }

    @Test
    void framesAreDescribedReadably() {
        assertThat(ValkeyMessages.describe(ValkeyMessages.frame("SET k \"a b\""))).isEqualTo("SET k \"a b\"");
        assertThat(ValkeyMessages.describe(ValkeyFrame.bulk("v"))).isEqualTo("\"v\"");
        assertThat(ValkeyMessages.describe(new ValkeyFrame.BulkString(new byte[] {0, 'a'}))).isEqualTo("\"\\x00a\"");
        assertThat(ValkeyMessages.describe(ValkeyFrame.ok())).isEqualTo("+OK");
        assertThat(ValkeyMessages.describe(ValkeyFrame.error("ERR no"))).isEqualTo("-ERR no");
        assertThat(ValkeyMessages.describe(new ValkeyFrame.Integer(3))).isEqualTo(":3");
        assertThat(ValkeyMessages.describe(new ValkeyFrame.NullBulkString())).isEqualTo("(nil)");
        assertThat(ValkeyMessages.describe(ValkeyMessages.command("SET", "k", "\u00e9"))).isEqualTo(
                "SET k \"" + escaped("\u00e9") + "\"");
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("\\x%02x", b & 0xff));
        }
        return out.toString();
    }
}
