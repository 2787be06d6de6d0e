package dev.shotover.transforms.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.ValkeyMessages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterTopologyReplyTest {
    private static final int PROXY = 6380;

    private static ValkeyFrame.Integer integer(long value) {
        return new ValkeyFrame.Integer(value);
    }

    private static ValkeyFrame.Array array(ValkeyFrame... elements) {
        return new ValkeyFrame.Array(List.of(elements));
    }

    private static ValkeyFrame.BulkString bulk(String s) {
        return ValkeyFrame.bulk(s);
    }

    @Test
    void recognisesTheTopologyRequestsIgnoringCase() {
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("cluster", "slots")))
                .isEqualTo(ClusterTopologyReply.SLOTS);
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER", "Shards")))
                .isEqualTo(ClusterTopologyReply.SHARDS);
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER", "NODES")))
                .isEqualTo(ClusterTopologyReply.NODES);
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER", "REPLICAS", "abc")))
                .isEqualTo(ClusterTopologyReply.REPLICAS);
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER", "SLAVES", "abc")))
                .isEqualTo(ClusterTopologyReply.REPLICAS);
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER", "INFO"))).isNull();
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("CLUSTER"))).isNull();
        assertThat(ClusterTopologyReply.of(ValkeyMessages.command("GET", "k"))).isNull();
    }

    @Test
    void anUnrelatedRawRequestIsNotParsed() {
        Message raw = ValkeyMessages.raw(ValkeyMessages.resp("SET", "k", "v"));
        try {
            assertThat(ClusterTopologyReply.of(raw)).isNull();
            assertThat(raw.isParsed()).isFalse();
        } finally {
            raw.release();
        }
    }

    @Test
    void slotsGetTheNewPortInEveryNodeOfEveryRange() {
        ValkeyFrame reply = array(
                array(integer(0), integer(5460),
                        array(bulk("127.0.0.1"), integer(30001), bulk("id1"), new ValkeyFrame.Array(List.of())),
                        array(bulk("127.0.0.1"), integer(30004), bulk("id4"), new ValkeyFrame.Array(List.of()))),
                array(integer(5461), integer(16383),
                        array(bulk("127.0.0.1"), integer(30002), bulk("id2"))));
        ValkeyFrame expected = array(
                array(integer(0), integer(5460),
                        array(bulk("127.0.0.1"), integer(PROXY), bulk("id1"), new ValkeyFrame.Array(List.of())),
                        array(bulk("127.0.0.1"), integer(PROXY), bulk("id4"), new ValkeyFrame.Array(List.of()))),
                array(integer(5461), integer(16383),
                        array(bulk("127.0.0.1"), integer(PROXY), bulk("id2"))));
        assertThat(ClusterTopologyReply.SLOTS.rewrite(reply, PROXY)).isEqualTo(expected);
    }

    @Test
    void shardsGetTheNewPortAndTlsPortInArraysAndMaps() {
        ValkeyFrame resp2 = array(array(bulk("slots"), array(integer(0), integer(5460)), bulk("nodes"), array(
                array(bulk("id"), bulk("id1"), bulk("port"), integer(30001), bulk("ip"), bulk("127.0.0.1"),
                        bulk("endpoint"), bulk("127.0.0.1"), bulk("role"), bulk("master")),
                array(bulk("id"), bulk("id4"), bulk("port"), integer(0), bulk("tls-port"), integer(30004)))));
        ValkeyFrame expected2 = array(array(bulk("slots"), array(integer(0), integer(5460)), bulk("nodes"), array(
                array(bulk("id"), bulk("id1"), bulk("port"), integer(PROXY), bulk("ip"), bulk("127.0.0.1"),
                        bulk("endpoint"), bulk("127.0.0.1"), bulk("role"), bulk("master")),
                array(bulk("id"), bulk("id4"), bulk("port"), integer(0), bulk("tls-port"), integer(PROXY)))));
        assertThat(ClusterTopologyReply.SHARDS.rewrite(resp2, PROXY)).isEqualTo(expected2);

        ValkeyFrame resp3 = array(new ValkeyFrame.Map(List.of(bulk("slots"), array(), bulk("nodes"),
                array(new ValkeyFrame.Map(List.of(bulk("port"), integer(30001), bulk("ip"), bulk("10.0.0.1")))))));
        ValkeyFrame expected3 = array(new ValkeyFrame.Map(List.of(bulk("slots"), array(), bulk("nodes"),
                array(new ValkeyFrame.Map(List.of(bulk("port"), integer(PROXY), bulk("ip"), bulk("10.0.0.1")))))));
        assertThat(ClusterTopologyReply.SHARDS.rewrite(resp3, PROXY)).isEqualTo(expected3);
    }

    @Test
    void nodeLinesKeepEverythingButThePort() {
        String nodes = "e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460\n"
                + "67ed 127.0.0.1:30002@40002,node-2.example master - 0 1426238316232 2 connected 5461-10922\n"
                + "aaaa :0@0 master,noaddr - 0 0 0 disconnected\n"
                + "bbbb 2001:db8::1:30003@40003 slave 67ed 0 1 2 connected\n";
        String expected = "e7d1 127.0.0.1:6380@40001 myself,master - 0 0 1 connected 0-5460\n"
                + "67ed 127.0.0.1:6380@40002,node-2.example master - 0 1426238316232 2 connected 5461-10922\n"
                + "aaaa :0@0 master,noaddr - 0 0 0 disconnected\n"
                + "bbbb 2001:db8::1:6380@40003 slave 67ed 0 1 2 connected\n";
        assertThat(ClusterTopologyReply.NODES.rewrite(bulk(nodes), PROXY)).isEqualTo(bulk(expected));
        ValkeyFrame verbatim = new ValkeyFrame.VerbatimString("txt", nodes.getBytes(StandardCharsets.US_ASCII));
        assertThat(ClusterTopologyReply.NODES.rewrite(verbatim, PROXY)).isEqualTo(
                new ValkeyFrame.VerbatimString("txt", expected.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void replicasAreNodeLinesInAnArray() {
        ValkeyFrame reply = array(bulk("cccc 127.0.0.1:30005@40005 slave e7d1 0 1 1 connected"));
        assertThat(ClusterTopologyReply.REPLICAS.rewrite(reply, PROXY))
                .isEqualTo(array(bulk("cccc 127.0.0.1:6380@40005 slave e7d1 0 1 1 connected")));
    }

    @Test
    void redirectsGetTheNewPort() {
        assertThat(ClusterTopologyReply.rewriteRedirect("MOVED 3999 127.0.0.1:30002", PROXY))
                .isEqualTo(ValkeyFrame.error("MOVED 3999 127.0.0.1:6380"));
        assertThat(ClusterTopologyReply.rewriteRedirect("ASK 3999 node-2.example:30002", PROXY))
                .isEqualTo(ValkeyFrame.error("ASK 3999 node-2.example:6380"));
        assertThat(ClusterTopologyReply.rewriteRedirect("MOVED 3999 :30002", PROXY))
                .isEqualTo(ValkeyFrame.error("MOVED 3999 :6380"));
        assertThat(ClusterTopologyReply.rewriteRedirect("ERR MOVED 1 a:2", PROXY)).isNull();
        assertThat(ClusterTopologyReply.rewriteRedirect("MOVED 3999 nowhere", PROXY)).isNull();
        assertThat(ClusterTopologyReply.rewriteRedirect("ASK 3999 127.0.0.1:0", PROXY)).isNull();
    }

    @Test
    void errorsAndUnexpectedShapesAreLeftAlone() {
        ValkeyFrame noauth = ValkeyFrame.error("NOAUTH Authentication required.");
        for (ClusterTopologyReply kind : ClusterTopologyReply.values()) {
            assertThat(kind.rewrite(noauth, PROXY)).isEqualTo(noauth);
        }
        assertThat(ClusterTopologyReply.NODES.rewrite(bulk("not a node line"), PROXY))
                .isEqualTo(bulk("not a node line"));
        assertThat(ClusterTopologyReply.SLOTS.rewrite(array(bulk("x")), PROXY)).isEqualTo(array(bulk("x")));
    }
}
