package dev.shotover.transforms.valkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotMapTest {
    private static ValkeyFrame node(String host, int port) {
        return new ValkeyFrame.Array(List.of(ValkeyFrame.bulk(host), new ValkeyFrame.Integer(port), ValkeyFrame.bulk("id")));
    }

    private static ValkeyFrame range(int start, int end, ValkeyFrame... nodes) {
        List<ValkeyFrame> fields = new java.util.ArrayList<>();
        fields.add(new ValkeyFrame.Integer(start));
        fields.add(new ValkeyFrame.Integer(end));
        fields.addAll(List.of(nodes));
        return new ValkeyFrame.Array(fields);
    }

    @Test
    void readsOwnersPrimariesAndReplicas() {
        ValkeyFrame reply = new ValkeyFrame.Array(List.of(
                range(0, 5460, node("127.0.0.1", 7000), node("127.0.0.1", 7004)),
                range(5461, 10922, node("127.0.0.1", 7001), node("127.0.0.1", 7005)),
                range(10923, 16383, node("", 7002), node("127.0.0.1", 7003))));
        SlotMap map = SlotMap.parse(reply, new HostAndPort("10.0.0.9", 7002));
        assertThat(map.owner(0)).isEqualTo(new HostAndPort("127.0.0.1", 7000));
        assertThat(map.owner(5461)).isEqualTo(new HostAndPort("127.0.0.1", 7001));
        // an empty host means the node that was asked
        assertThat(map.owner(16383)).isEqualTo(new HostAndPort("10.0.0.9", 7002));
        assertThat(map.primaries()).hasSize(3);
        assertThat(map.nodes()).hasSize(6);
    }

    @Test
    void unassignedSlotsHaveNoOwnerAndMovedUpdatesOne() {
        SlotMap map = SlotMap.parse(new ValkeyFrame.Array(List.of(range(0, 99, node("h", 1)))), new HostAndPort("h", 1));
        assertThat(map.owner(100)).isNull();
        map.moved(100, new HostAndPort("h", 2));
        assertThat(map.owner(100)).isEqualTo(new HostAndPort("h", 2));
        assertThat(map.primaries()).containsExactly(new HostAndPort("h", 1), new HostAndPort("h", 2));
    }

    @Test
    void rejectsAnErrorReply() {
        assertThatThrownBy(() -> SlotMap.parse(ValkeyFrame.error("NOAUTH"), new HostAndPort("h", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
