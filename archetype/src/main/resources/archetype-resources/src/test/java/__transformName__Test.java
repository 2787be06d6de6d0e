package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.testkit.ScriptedDownChain;
import dev.shotover.testkit.TransformTester;
import org.junit.jupiter.api.Test;

/**
 * Unit tests with the Shotover test kit: the transform runs as in the proxy, but against a scripted down-chain
 * (here a tiny in-memory Valkey) instead of a socket. The tester also checks the transform's contract: one response
 * per request, paired by id, in order, and exactly one call down the chain.
 */
class ${transformName}Test {

    private final TransformTester tester = TransformTester.forConfig(new ${transformName}Config(null, "!"))
            .typeName(${transformName}Factory.TYPE_NAME)
            .downChain(ScriptedDownChain.fakeValkey());

    @Test
    void appendsTheSuffixToTheValueOfGetReplies() {
        tester.sendValkey("SET greeting hello", "GET greeting", "GET missing")
                .assertPassedDownValkey("SET greeting hello", "GET greeting", "GET missing")
                .assertResponses(ValkeyFrame.ok(), ValkeyFrame.bulk("hello!"), new ValkeyFrame.NullBulkString());

        assertThat(tester.metrics().count("rewritten_replies_count", "chain", "test", "transform",
                "${transformName}")).isEqualTo(1.0);
    }

    @Test
    void leavesOtherRepliesAlone() {
        tester.downChain(ScriptedDownChain.answeringValkey(command -> ValkeyFrame.bulk("untouched")));

        tester.sendValkey("ECHO x", "MGET a").assertResponses(ValkeyFrame.bulk("untouched"),
                ValkeyFrame.bulk("untouched"));
    }

    @Test
    void anEmptySuffixStopsTheProxyAtStartup() {
        TransformTester invalid = TransformTester.forConfig(new ${transformName}Config(null, ""));

        assertThat(invalid.validationProblems()).containsExactly("${transformName}: suffix must not be empty");
    }

    @Test
    void flushRunsReachTheRestOfTheChain() {
        tester.flush().assertPassedDownValkey().assertResponses();
    }
}
