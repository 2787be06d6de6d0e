package dev.shotover.transforms.valkey.timestamp;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.valkey.cluster.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the tagger sends down for each kind of command, and what it makes of the script's replies. */
class RedisTimestampTaggerTest {
    private final AtomicLong millis = new AtomicLong(5);
    private final LastModifiedClock clock = new LastModifiedClock(millis::get);

    private static List<String> words(ValkeyFrame frame) {
        List<String> words = new ArrayList<>();
        for (ValkeyFrame element : ((ValkeyFrame.Array) frame).elements()) {
            words.add(((ValkeyFrame.BulkString) element).asString());
        }
        return words;
    }

    /** Runs one batch through a tagger whose down-chain answers with {@code answer}; returns the sent frames. */
    private List<ValkeyFrame> sent(RedisTimestampTagger tagger, List<Message> requests,
                                   Function<Message, ValkeyFrame> answer, List<Message> responses) {
        List<ValkeyFrame> sent = new ArrayList<>();
        FakeDownChain down = new FakeDownChain(batch -> {
            List<Message> out = new ArrayList<>();
            for (Message request : batch) {
                sent.add(request.frame(ValkeyFrame.class));
                out.add(Message.responseTo(request, answer.apply(request)));
            }
            return out;
        });
        responses.addAll(tagger.transform(down.state(requests)).toCompletableFuture().join());
        return sent;
    }

    private static ValkeyFrame scriptReply(String micros, ValkeyFrame reply) {
        return new ValkeyFrame.Array(List.of(micros == null ? new ValkeyFrame.NullBulkString()
                : ValkeyFrame.bulk(micros), reply));
    }

    @Test
    void aReadIsWrappedInTheReadScriptWithItsCompanionKeyAndTheReplyIsUnwrapped() {
        Message get = raw(resp("GET", "user:1"));
        List<Message> responses = new ArrayList<>();
        List<ValkeyFrame> sent = sent(new RedisTimestampTagger(false, clock), batch(get),
                request -> scriptReply("1234", ValkeyFrame.bulk("alice")), responses);

        assertThat(words(sent.get(0))).containsExactly("EVAL", TimestampScripts.READ_SCRIPT, "2", "user:1",
                "__shotover_ts__:{user:1}", "GET", "user:1");
        assertThat(responses).singleElement().satisfies(response -> {
            assertThat(response.requestId()).isEqualTo(get.id());
            assertThat(response.frame()).isEqualTo(ValkeyFrame.bulk("alice"));
        });
    }

    @Test
    void aWriteCarriesTheClocksTimestampForEveryKey() {
        List<Message> responses = new ArrayList<>();
        List<ValkeyFrame> sent = sent(new RedisTimestampTagger(false, clock),
                batch(command("SET", "k", "v", "EX", "10"), command("DEL", "a", "{t}b"),
                        command("MSET", "x", "1", "y", "2")),
                request -> scriptReply("5000", ValkeyFrame.ok()), responses);

        assertThat(words(sent.get(0))).containsExactly("EVAL", TimestampScripts.WRITE_SCRIPT, "2", "k",
                "__shotover_ts__:{k}", "5000", "SET", "k", "v", "EX", "10");
        assertThat(words(sent.get(1))).containsExactly("EVAL", TimestampScripts.WRITE_SCRIPT, "4", "a", "{t}b",
                "__shotover_ts__:{a}", "__shotover_ts__:{t}b", "5001", "DEL", "a", "{t}b");
        assertThat(words(sent.get(2))).containsExactly("EVAL", TimestampScripts.WRITE_SCRIPT, "4", "x", "y",
                "__shotover_ts__:{x}", "__shotover_ts__:{y}", "5002", "MSET", "x", "1", "y", "2");
        assertThat(responses).extracting(Message::frame).containsOnly(ValkeyFrame.ok());
    }

    @Test
    void withAttachTimestampTheReplyKeepsItsTimeAsAnAttribute() {
        List<Message> responses = new ArrayList<>();
        sent(new RedisTimestampTagger(true, clock), batch(command("GET", "k"), command("GET", "missing")),
                request -> words(request.frame(ValkeyFrame.class)).contains("k")
                        ? scriptReply("77", ValkeyFrame.bulk("v"))
                        : scriptReply(null, new ValkeyFrame.NullBulkString()),
                responses);

        assertThat(responses.get(0).frame()).isEqualTo(LastModified.attach(ValkeyFrame.bulk("v"), 77));
        // no companion key: no time, the bare reply
        assertThat(responses.get(1).frame()).isEqualTo(new ValkeyFrame.NullBulkString());
    }

    @Test
    void resp3NullTimestampsAndErrorRepliesAreHandled() {
        List<Message> responses = new ArrayList<>();
        sent(new RedisTimestampTagger(true, clock), batch(command("GET", "k"), command("INCR", "k")),
                request -> words(request.frame(ValkeyFrame.class)).contains("GET")
                        ? new ValkeyFrame.Array(List.of(new ValkeyFrame.Null(), new ValkeyFrame.Null()))
                        : ValkeyFrame.error("ERR value is not an integer or out of range"),
                responses);

        assertThat(responses.get(0).frame()).isEqualTo(new ValkeyFrame.Null());
        assertThat(responses.get(1).frame())
                .isEqualTo(ValkeyFrame.error("ERR value is not an integer or out of range"));
    }

    @Test
    void commandsItDoesNotKnowMultiKeyReadsAndTransactionsPassThroughUntouched() {
        Message ping = raw(resp("PING"));
        Message mget = command("MGET", "a", "b");
        Message blpop = command("BLPOP", "list", "0");
        Message multi = command("MULTI");
        Message queuedSet = command("SET", "k", "v");
        Message exec = command("EXEC");
        Message after = command("GET", "k");
        Message noKey = command("GET");
        List<Message> responses = new ArrayList<>();
        try {
            List<ValkeyFrame> sent = sent(new RedisTimestampTagger(false, clock),
                    batch(ping, mget, blpop, multi, queuedSet, exec, after, noKey),
                    request -> words(request.frame(ValkeyFrame.class)).get(0).equals("EVAL")
                            ? scriptReply("1", ValkeyFrame.bulk("v")) : ValkeyFrame.bulk("untouched"), responses);

            assertThat(sent.subList(0, 6)).extracting(frame -> words(frame).get(0))
                    .containsExactly("PING", "MGET", "BLPOP", "MULTI", "SET", "EXEC");
            assertThat(words(sent.get(6)).get(0)).isEqualTo("EVAL");
            assertThat(words(sent.get(7))).containsExactly("GET");
            assertThat(ping.isModified()).isFalse();
            assertThat(responses).extracting(Message::frame).containsExactly(ValkeyFrame.bulk("untouched"),
                    ValkeyFrame.bulk("untouched"), ValkeyFrame.bulk("untouched"), ValkeyFrame.bulk("untouched"),
                    ValkeyFrame.bulk("untouched"), ValkeyFrame.bulk("untouched"), ValkeyFrame.bulk("v"),
                    ValkeyFrame.bulk("untouched"));
        } finally {
            ping.release();
        }
    }

    @Test
    void aReplyThatIsNotTheScriptsShapeIsLeftAlone() {
        List<Message> responses = new ArrayList<>();
        sent(new RedisTimestampTagger(true, clock), batch(command("GET", "k")),
                request -> ValkeyFrame.bulk("42"), responses);
        assertThat(responses.get(0).frame()).isEqualTo(ValkeyFrame.bulk("42"));
    }

    @Test
    void companionKeysShareTheirKeysClusterSlot() {
        for (String key : List.of("user:1", "{user}:1", "a{b", "x{}y", "", "{}", "日本")) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            byte[] companion = TimestampScripts.companionKey(bytes);
            assertThat(new String(companion, StandardCharsets.UTF_8)).startsWith("__shotover_ts__:");
            // the documented exceptions: the empty key, and keys with a '}' that forms no hash tag
            if (!key.isEmpty() && (!key.contains("}") || key.equals("{user}:1"))) {
                assertThat(HashSlot.of(companion)).as(key).isEqualTo(HashSlot.of(bytes));
            }
        }
        assertThat(new String(TimestampScripts.companionKey("{user}:1".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("__shotover_ts__:{user}:1");
    }

    @Test
    void keyPositionsFollowEachCommandsShape() {
        assertThat(TaggedCommands.lookup("GET").keyPositions(2)).containsExactly(1);
        assertThat(TaggedCommands.lookup("RENAME").keyPositions(3)).containsExactly(1, 2);
        assertThat(TaggedCommands.lookup("DEL").keyPositions(4)).containsExactly(1, 2, 3);
        assertThat(TaggedCommands.lookup("MSET").keyPositions(5)).containsExactly(1, 3);
        assertThat(TaggedCommands.lookup("MSET").keyPositions(4)).isNull();
        // reads of several keys have no single timestamp
        assertThat(TaggedCommands.lookup("EXISTS").keyPositions(2)).containsExactly(1);
        assertThat(TaggedCommands.lookup("EXISTS").keyPositions(3)).isNull();
        assertThat(TaggedCommands.lookup("BLPOP")).isNull();
        assertThat(TaggedCommands.lookup("MGET")).isNull();
        assertThat(TaggedCommands.names()).contains("GET", "SET", "HSET", "ZADD", "DEL", "EXPIRE");
    }
}
