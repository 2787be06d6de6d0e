package dev.shotover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Metrics;
import org.junit.jupiter.api.Test;

class TestMetricsTest {

    private final TestMetrics metrics = new TestMetrics();

    @Test
    void countersAreFoundByNameAndLabelsInAnyOrder() {
        Metrics.Counter counter = metrics.counter("my_count", "chain", "main", "transform", "Mine");
        counter.increment();
        counter.increment(4);

        assertThat(metrics.count("my_count", "transform", "Mine", "chain", "main")).isEqualTo(5.0);
        assertThat(metrics.counter("my_count", "transform", "Mine", "chain", "main").count()).isEqualTo(5.0);
        assertThat(metrics.count("my_count", "chain", "other", "transform", "Mine")).isZero();
        assertThat(metrics.exists("my_count", "chain", "other", "transform", "Mine")).isFalse();
        assertThat(metrics.snapshot()).containsEntry("my_count{chain=\"main\",transform=\"Mine\"}", 5.0);
    }

    @Test
    void namesTheProxyWouldRejectAreRejected() {
        assertThatThrownBy(() -> metrics.counter("my-count")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid metric name 'my-count'");
        assertThatThrownBy(() -> metrics.counter("ok", "bad-label", "x"))
                .hasMessageContaining("invalid label name 'bad-label'");
        assertThatThrownBy(() -> metrics.counter("ok", "chain")).hasMessageContaining("odd number");
        assertThatThrownBy(() -> metrics.counter("ok", "chain", "a", "chain", "b")).hasMessageContaining("given twice");
    }

    @Test
    void countersOnlyGrow() {
        assertThatThrownBy(() -> metrics.counter("c").increment(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
