package dev.shotover.bench.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.bench.cql.CqlLoadOptions.Operation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CqlLoadOptionsTest {

    @Test
    void defaultsAreTheBenchmarksLoad() {
        CqlLoadOptions options = CqlLoadOptions.parse(new String[] {"--target", "direct=127.0.0.1:19042"});
        assertThat(options.targets()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("direct");
            assertThat(t.address().getPort()).isEqualTo(19042);
            assertThat(t.pid()).isZero();
        });
        assertThat(options.operations()).containsExactly(Operation.INSERT, Operation.SELECT);
        assertThat(options.connections()).containsExactly(1, 10);
        assertThat(options.inFlight()).isEqualTo(128);
        assertThat(options.valueSize()).isEqualTo(100);
        assertThat(options.closedLoop()).isTrue();
        assertThat(options.protocol()).isEqualTo("V5");
        assertThat(options.compression()).isEqualTo("none");
    }

    @Test
    void everyOptionIsRead() {
        CqlLoadOptions options = CqlLoadOptions.parse(new String[] {
            "--target", "direct=127.0.0.1:19042", "--target", "proxy=127.0.0.1:9043@4242", "--backend-pid", "77",
            "--ops", "select", "--connections", "2,4", "--in-flight", "64", "--rate", "5000", "--duration", "1.5",
            "--warmup", "0", "--initial-warmup", "3", "--reps", "5", "--value-size", "10", "--keys", "50",
            "--protocol", "auto", "--compression", "LZ4", "--clk-tck", "250"});
        assertThat(options.targets()).extracting(CqlLoadOptions.Target::name).containsExactly("direct", "proxy");
        assertThat(options.targets().get(1).pid()).isEqualTo(4242);
        assertThat(options.backendPid()).isEqualTo(77);
        assertThat(options.operations()).containsExactly(Operation.SELECT);
        assertThat(options.connections()).isEqualTo(List.of(2, 4));
        assertThat(options.inFlight()).isEqualTo(64);
        assertThat(options.rate()).isEqualTo(5000);
        assertThat(options.closedLoop()).isFalse();
        assertThat(options.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.warmup()).isZero();
        assertThat(options.initialWarmup()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.repetitions()).isEqualTo(5);
        assertThat(options.keys()).isEqualTo(50);
        assertThat(options.protocol()).isNull();
        assertThat(options.compression()).isEqualTo("lz4");
        assertThat(options.clockTicks()).isEqualTo(250);
    }

    @Test
    void mistakesAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[0])).hasMessageContaining("--target");
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[] {"--target", "nohost"}))
                .hasMessageContaining("name=host:port");
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[] {"--target", "a=h:1", "--protocol", "V9"}))
                .hasMessageContaining("--protocol");
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[] {"--target", "a=h:1", "--in-flight", "0"}))
                .hasMessageContaining("--in-flight");
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[] {"--target", "a=h:1", "--bogus", "1"}))
                .hasMessageContaining("--bogus");
        assertThatThrownBy(() -> CqlLoadOptions.parse(new String[] {"--help"}))
                .isInstanceOf(CqlLoadOptions.HelpRequested.class);
    }
}
