package dev.shotover.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary of the load generator: medians, the p99 added per repetition, CPU per request; and its options. */
class LatencyTableTest {

    private static LatencyTable.Row row(String target, int rep, double p99, long ticks) {
        return new LatencyTable.Row(target, rep, 20_000, p99 / 2, p99 * 0.8, p99, p99 * 2, p99 * 4, p99, 1, 0, 0, 0,
                ticks, 300_000);
    }

    @Test
    void theAddedP99IsTakenPerRepetitionAndSummarisedByItsMedian() {
        LatencyTable table = new LatencyTable("GET", List.of("direct", "proxy", "nutcracker"), 100);
        table.add(row("direct", 1, 100, 10));
        table.add(row("proxy", 1, 150, 30));
        table.add(row("direct", 2, 200, 10));
        table.add(row("proxy", 2, 230, 30));
        table.add(row("direct", 3, 100, 10));
        table.add(row("proxy", 3, 190, 30));
        table.add(row("nutcracker", 1, 120, 20));

        assertThat(table.addedP99("direct", "proxy")).containsExactly(50, 30, 90);
        assertThat(table.medianP99("proxy")).isEqualTo(190);
        String summary = table.summary();
        assertThat(summary).contains("p99 added by proxy (vs direct): 50 µs median (per repetition: 50, 30, 90)")
                .contains("p99 added by nutcracker (vs direct): 20 µs median (per repetition: 20)");
        // 90 ticks at 100/s over 900,000 requests = 1 s per million
        assertThat(summary.lines().filter(l -> l.startsWith("proxy")).findFirst().orElseThrow())
                .endsWith("1.00").contains("(150-230)");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(LatencyTable.medianOf(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(LatencyTable.medianOf(new double[0])).isNaN();
    }

    @Test
    void optionsParseTargetsWithPidsAndDefaults() {
        LoadGeneratorOptions options = LoadGeneratorOptions.parse(new String[] {
            "--target", "direct=127.0.0.1:6379@42", "--target", "proxy=localhost:6380", "--op", "get,set",
            "--duration", "1.5", "--rate", "1000"});
        assertThat(options.targets()).extracting(LoadGeneratorOptions.Target::name).containsExactly("direct", "proxy");
        assertThat(options.targets().get(0).pid()).isEqualTo(42);
        assertThat(options.targets().get(0).address().getPort()).isEqualTo(6379);
        assertThat(options.targets().get(1).pid()).isZero();
        assertThat(options.operations()).containsExactly(RespRequests.Operation.GET, RespRequests.Operation.SET);
        assertThat(options.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.connections()).isEqualTo(50);
        assertThatThrownBy(() -> LoadGeneratorOptions.parse(new String[] {"--rate", "5"}))
                .hasMessageContaining("--target");
        assertThatThrownBy(() -> LoadGeneratorOptions.parse(new String[] {"--target", "nonsense"}))
                .hasMessageContaining("name=host:port");
    }
}
