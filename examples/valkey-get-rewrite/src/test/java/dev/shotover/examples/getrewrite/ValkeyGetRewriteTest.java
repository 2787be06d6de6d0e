package dev.shotover.examples.getrewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.testkit.FakeValkey;
import dev.shotover.testkit.ScriptedDownChain;
import dev.shotover.testkit.TransformTester;
import dev.shotover.testkit.ValkeyMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests with the test kit: no sockets, no backend. */
class ValkeyGetRewriteTest {

    private static final ValkeyFrame REWRITTEN = ValkeyFrame.bulk("Rewritten value");

    private final FakeValkey backend = new FakeValkey();
    private final TransformTester tester = TransformTester
            .forConfig(new ValkeyGetRewriteConfig(null, "Rewritten value"))
            .typeName(ValkeyGetRewriteFactory.TYPE_NAME)
            .downChain(ScriptedDownChain.fakeValkey(backend));

    @Test
    void replacesTheReplyOfEveryGetAndPassesEverythingDownUnchanged() {
        tester.sendValkey("SET foo \"some value\"", "GET foo", "GET bar", "get foo")
                .assertPassedDownValkey("SET foo \"some value\"", "GET foo", "GET bar", "get foo")
                .assertResponses(ValkeyFrame.ok(), REWRITTEN, REWRITTEN, REWRITTEN);

        assertThat(backend.get("foo")).isEqualTo("some value");
    }

    @Test
    void leavesOtherCommandsAlone() {
        backend.set("foo", "some value");

        tester.sendValkey("MGET foo", "ECHO GET", "EXISTS foo")
                .assertResponses(new ValkeyFrame.Array(List.of(ValkeyFrame.bulk("some value"))),
                        ValkeyFrame.bulk("GET"), new ValkeyFrame.Integer(1));
    }

    @Test
    void replacesErrorRepliesToGetToo() {
        tester.downChain(ScriptedDownChain.answeringValkey(command -> ValkeyFrame.error("ERR backend says no")));

        tester.sendValkey("GET foo", "SET foo x")
                .assertResponses(REWRITTEN, ValkeyFrame.error("ERR backend says no"));
    }

    @Test
    void pairsResponsesWithRequestsByIdNotByPosition() {
        // A down-chain that puts an unsolicited push in front of the replies: pairing by position would rewrite
        // the push and the SET reply instead of the GET reply.
        ValkeyFrame push = new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"), ValkeyFrame.bulk("news")));
        tester.downChain(ScriptedDownChain.respondingWith(requests -> {
            List<Message> responses = new ArrayList<>();
            responses.add(Message.fromFrame(push));
            responses.add(Message.responseTo(requests.get(0), ValkeyFrame.ok()));
            responses.add(Message.responseTo(requests.get(1), ValkeyFrame.bulk("from backend")));
            return responses;
        }));
        Message set = ValkeyMessages.request("SET k v");
        Message get = ValkeyMessages.request("GET k");

        tester.send(set, get)
                .assertResponses(push, ValkeyFrame.ok(), REWRITTEN)
                .assertResponse(get, REWRITTEN)
                .assertResponse(set, ValkeyFrame.ok());
    }

    @Test
    void flushRunsStillReachTheRestOfTheChain() {
        tester.flush().assertPassedDownValkey().assertResponses();

        assertThat(tester.downChain().lastCall().flush()).isTrue();
    }

    @Test
    void theFactoryNamesTheTransformAndItsConfig() {
        ValkeyGetRewriteFactory factory = new ValkeyGetRewriteFactory();

        assertThat(factory.typeName()).isEqualTo("ValkeyGetRewrite");
        assertThat(factory.configType()).isEqualTo(ValkeyGetRewriteConfig.class);
        assertThat(factory.aliases()).isEmpty();
    }
}
