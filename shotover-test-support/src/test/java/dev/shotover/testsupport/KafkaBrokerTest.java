package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The Kafka launcher fails with the broker's own explanation. (Starting real brokers is covered by the Kafka
 * integration tests of shotover-proxy; this only forks the storage tool, about two seconds.)
 */
class KafkaBrokerTest {

    @Test
    void aBrokerThatCannotStartFailsWithItsLogTail() {
        int[] ports = FreePort.find(2);
        assertThatThrownBy(() -> KafkaBroker.builder().port(ports[0]).controllerPort(ports[1])
                .property("num.partitions", "not-a-number").start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("formatting the storage of Kafka node 1 failed")
                .hasMessageContaining("num.partitions");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> KafkaBroker.builder().nodes(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaBroker.builder().port(9092).controllerPort(9092).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
    }
}
