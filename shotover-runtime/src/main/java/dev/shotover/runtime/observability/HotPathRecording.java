package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Recording for the request path, where every sample counts: the caller passes the {@link System#nanoTime()} it read
 * anyway (to measure the duration), so the histogram does not read the clock again to find its time slot, and a
 * value seen several times in a row (the responses of one backend read share their latency) is recorded once with
 * a count. The result is exactly that of recording each sample with {@link Timer#record(long, TimeUnit)} or
 * {@link DistributionSummary#record(double)}.
 *
 * <p>Meters made by {@link ProxyMetrics} take the fast path; any other Micrometer meter is recorded the usual way.
 *
 * <p>Thread-safe, like the meters.
 */
public final class HotPathRecording {
    private HotPathRecording() {
    }

    /** Records a duration of {@code nanos}, measured up to {@code nowNanos} (a {@link System#nanoTime()}). */
    public static void recordNanos(Timer timer, long nanos, long nowNanos) {
        recordNanos(timer, nanos, 1, nowNanos);
    }

    /** Records {@code times} durations of {@code nanos} each, as {@code times} calls of {@link Timer#record} would. */
    public static void recordNanos(Timer timer, long nanos, long times, long nowNanos) {
        if (timer instanceof ShotoverTimer shotover) {
            shotover.recordNanos(nanos, times, nowNanos);
            return;
        }
        for (long i = 0; i < times; i++) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Records {@code amount}; {@code nowNanos} is a {@link System#nanoTime()} read by the caller. */
    public static void record(DistributionSummary summary, double amount, long nowNanos) {
        if (summary instanceof ShotoverDistributionSummary shotover) {
            shotover.record(amount, nowNanos);
            return;
        }
        summary.record(amount);
    }
}
