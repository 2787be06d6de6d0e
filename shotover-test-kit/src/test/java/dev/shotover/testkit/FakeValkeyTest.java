package dev.shotover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.valkey.ValkeyFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeValkeyTest {

    private final FakeValkey valkey = new FakeValkey();

    private ValkeyFrame run(String line) {
        return valkey.execute(ValkeyMessages.frame(line));
    }

    @Test
    void stringsCanBeSetReadCountedAndDeleted() {
        assertThat(run("GET k")).isEqualTo(new ValkeyFrame.NullBulkString());
        assertThat(run("SET k v")).isEqualTo(ValkeyFrame.ok());
        assertThat(run("GET k")).isEqualTo(ValkeyFrame.bulk("v"));
        assertThat(run("MGET k nope")).isEqualTo(new ValkeyFrame.Array(List.of(ValkeyFrame.bulk("v"),
                new ValkeyFrame.NullBulkString())));
        assertThat(run("EXISTS k nope k")).isEqualTo(new ValkeyFrame.Integer(2));
        assertThat(run("DEL k nope")).isEqualTo(new ValkeyFrame.Integer(1));
        assertThat(valkey.size()).isZero();
    }

    @Test
    void incrementsNumbersAndRejectsText() {
        valkey.set("n", "41");
        assertThat(run("INCR n")).isEqualTo(new ValkeyFrame.Integer(42));
        assertThat(valkey.get("n")).isEqualTo("42");
        valkey.set("t", "x");
        assertThat(run("INCR t")).isEqualTo(ValkeyFrame.error("ERR value is not an integer or out of range"));
    }

    @Test
    void answersPingAndEcho() {
        assertThat(run("PING")).isEqualTo(new ValkeyFrame.SimpleString("PONG"));
        assertThat(run("ping hi")).isEqualTo(ValkeyFrame.bulk("hi"));
        assertThat(run("ECHO hi")).isEqualTo(ValkeyFrame.bulk("hi"));
    }

    @Test
    void errorsUseValkeysTexts() {
        assertThat(run("GET")).isEqualTo(ValkeyFrame.error("ERR wrong number of arguments for 'get' command"));
        assertThat(run("SET k v EX 10")).isEqualTo(ValkeyFrame.error("ERR syntax error"));
        assertThat(run("HSET h f v")).isEqualTo(
                ValkeyFrame.error("ERR unknown command 'HSET', with args beginning with: 'h' 'f' 'v' "));
        assertThat(valkey.execute(ValkeyFrame.bulk("GET"))).isInstanceOf(ValkeyFrame.Error.class);
    }
}
