package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HotPathRecordingTest {

    private static final double[] ALL = WindowedQuantiles.SHOTOVER_QUANTILES;

    @Test
    void aRepeatedLatencyRecordsLikeThatManySeparateSamples() {
        ProxyMetrics metrics = new ProxyMetrics(Clock.SYSTEM);
        Timer fast = metrics.timer("fast_seconds");
        Timer slow = metrics.timer("slow_seconds");
        long[] latencies = {120_000, 120_000, 120_000, 95_000, 2_000_000, 2_000_000};

        long now = System.nanoTime();
        HotPathRecording.recordNanos(fast, 120_000, 3, now);
        HotPathRecording.recordNanos(fast, 95_000, now);
        HotPathRecording.recordNanos(fast, 2_000_000, 2, now);
        for (long latency : latencies) {
            slow.record(latency, TimeUnit.NANOSECONDS);
        }

        assertThat(fast.count()).isEqualTo(6).isEqualTo(slow.count());
        assertThat(fast.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(slow.totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(4_455_000);
        assertThat(((ShotoverTimer) fast).quantileSeconds(ALL))
                .containsExactly(((ShotoverTimer) slow).quantileSeconds(ALL));
        double[] minMedianMax = ((ShotoverTimer) fast).quantileSeconds(new double[] {0, 0.5, 1});
        assertThat(minMedianMax[0]).isEqualTo(95_000 / 1e9);
        // a quantile is the middle of its log-linear bucket, within 0.8% of the recorded value
        assertThat(minMedianMax[1]).isCloseTo(120_000 / 1e9, within(0.01 * 120_000 / 1e9));
        assertThat(minMedianMax[2]).isEqualTo(2_000_000 / 1e9);
    }

    @Test
    void summariesRecordLikeTheirOwnRecordMethod() {
        ProxyMetrics metrics = new ProxyMetrics(Clock.SYSTEM);
        DistributionSummary fast = metrics.summary("fast_batch_size");
        DistributionSummary slow = metrics.summary("slow_batch_size");

        for (int size : new int[] {1, 16, 16, 3}) {
            HotPathRecording.record(fast, size, System.nanoTime());
            slow.record(size);
        }
        HotPathRecording.record(fast, -1, System.nanoTime());
        slow.record(-1);

        assertThat(fast.count()).isEqualTo(4).isEqualTo(slow.count());
        assertThat(fast.totalAmount()).isEqualTo(36).isEqualTo(slow.totalAmount());
        assertThat(((ShotoverDistributionSummary) fast).quantileValues(ALL))
                .containsExactly(((ShotoverDistributionSummary) slow).quantileValues(ALL));
    }

    @Test
    void aMockClockDecidesTheTimeSlotWhateverTimestampTheCallerPasses() {
        MockClock clock = new MockClock();
        ProxyMetrics metrics = new ProxyMetrics(clock);
        Timer timer = metrics.timer("latency_seconds");

        HotPathRecording.recordNanos(timer, 1_000, 0L);
        clock.add(Duration.ofSeconds(61));
        HotPathRecording.recordNanos(timer, 5_000, 0L);

        // the first sample is 61 s old on the mock clock, so only the second is in the window
        assertThat(((ShotoverTimer) timer).quantileSeconds(new double[] {0, 1})).containsExactly(5e-6, 5e-6);
        assertThat(timer.count()).isEqualTo(2);
    }

    @Test
    void metersFromOtherRegistriesAreRecordedTheUsualWay() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Timer timer = registry.timer("plain");
        DistributionSummary summary = registry.summary("plain_size");

        HotPathRecording.recordNanos(timer, 2_000, 3, System.nanoTime());
        HotPathRecording.record(summary, 7, System.nanoTime());

        assertThat(timer.count()).isEqualTo(3);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(6_000);
        assertThat(summary.totalAmount()).isEqualTo(7);
    }

    @Test
    void nothingIsRecordedForNegativeDurationsOrZeroTimes() {
        Timer timer = new ProxyMetrics(Clock.SYSTEM).timer("latency_seconds");

        HotPathRecording.recordNanos(timer, -5, System.nanoTime());
        HotPathRecording.recordNanos(timer, 5, 0, System.nanoTime());

        assertThat(timer.count()).isZero();
    }
}
