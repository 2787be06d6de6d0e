package dev.shotover.bench.cql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.bench.cql.CqlLoadOptions.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CqlLoadTableTest {

    private static CqlLoadTable.Row row(String target, int rep, double ops, long targetTicks, long backendTicks) {
        // 1,000,000 requests in the window
        return new CqlLoadTable.Row(Operation.INSERT, 10, target, rep, ops, 1.5, 9.25, 20, 30, 0, 0, 0, targetTicks,
                backendTicks, -1, 1_000_000);
    }

    @Test
    void theSummaryShowsMediansPerRepetitionRatiosAndCpuPerMillion() {
        CqlLoadTable table = new CqlLoadTable(List.of("direct", "proxy"), 100);
        table.add(row("direct", 1, 10_000, -1, 5000));
        table.add(row("proxy", 1, 9_000, 2000, 5200));
        table.add(row("direct", 2, 20_000, -1, 5000));
        table.add(row("proxy", 2, 19_000, 2000, 5200));
        table.add(row("direct", 3, 12_000, -1, 5000));
        table.add(row("proxy", 3, 6_000, 2200, 5200));
        String summary = table.summary();
        String line = summary.lines().filter(l -> l.startsWith("INSERT")).findFirst().orElseThrow();
        // medians: direct 12000, proxy 9000; ratios per repetition 0.90, 0.95, 0.50
        assertThat(line).contains("12000").contains("9000").contains("0.90 (0.50-0.95)");
        // proxy cpu: 6200 ticks / 100 per s / 3 M requests = 20.67 s/M; Cassandra 150 s and 156 s / 3 M
        assertThat(line).contains("20.67").contains("50.00").contains("52.00");
        assertThat(summary).contains("proxy/direct").contains("proxy cpu");
        assertThat(table.anyFailed()).isFalse();
    }

    @Test
    void aRunLineFlagsErrors() {
        CqlLoadTable table = new CqlLoadTable(List.of("direct"), 100);
        CqlLoadTable.Row bad = new CqlLoadTable.Row(Operation.SELECT, 1, "direct", 1, 100, 1, 2, 3, 4, 5, 6, 7, -1, -1,
                -1, 1000);
        table.add(bad);
        assertThat(table.line(bad)).contains("ERRORS 5").contains("UNEXPECTED ANSWERS 6").contains("UNANSWERED 7");
        assertThat(table.anyFailed()).isTrue();
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(CqlLoadTable.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(CqlLoadTable.median(new double[] {7})).isEqualTo(7);
    }
}
