package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowedQuantilesTest {

    private final MockClock clock = new MockClock();
    private final WindowedQuantiles quantiles = new WindowedQuantiles(clock);

    @Test
    void quantilesOfAUniformSequenceAreWithinOnePercent() {
        for (int i = 1; i <= 10_000; i++) {
            quantiles.recordLong(i);
        }

        double[] values = quantiles.quantiles(WindowedQuantiles.SHOTOVER_QUANTILES);

        assertThat(values[0]).isEqualTo(1);
        assertThat(values[1]).isCloseTo(1_000, withPercentage(1));
        assertThat(values[2]).isCloseTo(5_000, withPercentage(1));
        assertThat(values[3]).isCloseTo(9_000, withPercentage(1));
        assertThat(values[4]).isCloseTo(9_500, withPercentage(1));
        assertThat(values[5]).isCloseTo(9_900, withPercentage(1));
        assertThat(values[6]).isCloseTo(9_990, withPercentage(1));
        assertThat(values[7]).isEqualTo(10_000);
    }

    @Test
    void quantilesOfSkewedLatenciesAreWithinOnePercentOfTheExactOnes() {
        Random random = new Random(42);
        double[] samples = new double[50_000];
        for (int i = 0; i < samples.length; i++) {
            // Log-normal around 200 microseconds, in nanoseconds, like a real latency distribution.
            samples[i] = Math.exp(Math.log(200_000) + random.nextGaussian());
            quantiles.recordDouble(samples[i]);
        }
        java.util.Arrays.sort(samples);

        double[] levels = {0.5, 0.9, 0.99, 0.999};
        double[] values = quantiles.quantiles(levels);
        for (int i = 0; i < levels.length; i++) {
            double exact = samples[(int) Math.ceil(levels[i] * samples.length) - 1];
            assertThat(values[i]).as("quantile %s", levels[i]).isCloseTo(exact, withPercentage(1));
        }
    }

    @Test
    void zeroAndTinyValuesAreCounted() {
        quantiles.recordDouble(0);
        quantiles.recordDouble(0);
        quantiles.recordDouble(5);

        double[] values = quantiles.quantiles(new double[] {0, 0.5, 1});

        assertThat(values).containsExactly(0, 0, 5);
    }

    @Test
    void samplesExpireAfterThreeSlotsOfTwentySeconds() {
        quantiles.recordLong(1_000);
        clock.add(Duration.ofSeconds(20));
        quantiles.recordLong(2_000);
        clock.add(Duration.ofSeconds(20));
        quantiles.recordLong(3_000);

        assertThat(quantiles.quantiles(new double[] {0, 1})).containsExactly(1_000, 3_000);

        clock.add(Duration.ofSeconds(20));
        assertThat(quantiles.quantiles(new double[] {0, 1})).containsExactly(2_000, 3_000);

        clock.add(Duration.ofSeconds(40));
        assertThat(quantiles.quantiles(new double[] {0, 1})).containsExactly(0, 0);

        // A slot is reused for a new period once its samples have expired.
        quantiles.recordLong(7);
        assertThat(quantiles.quantiles(new double[] {0, 1})).containsExactly(7, 7);
    }

    @Test
    void snapshotCarriesTheConfiguredQuantiles() {
        quantiles.recordLong(10);

        HistogramSnapshot snapshot = quantiles.takeSnapshot(1, 10, 10);

        assertThat(snapshot.percentileValues()).hasSize(8);
        assertThat(snapshot.percentileValues()[7].percentile()).isEqualTo(1.0);
        assertThat(snapshot.percentileValues()[7].value()).isEqualTo(10);
        assertThat(snapshot.count()).isEqualTo(1);
    }

    @Test
    void concurrentRecordingLosesNothingWithinASlot() throws InterruptedException {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    quantiles.recordLong(1 + (i % 1000));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        // 400,000 samples of 1..1000: rank 200,000 falls at 500.
        assertThat(quantiles.quantiles(new double[] {0.5})[0]).isCloseTo(500, withPercentage(1));
        assertThat(quantiles.quantiles(new double[] {1})[0]).isEqualTo(1000);
    }
}
