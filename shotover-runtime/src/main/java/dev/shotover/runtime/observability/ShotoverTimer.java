package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.AbstractTimer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Micrometer timer rendered as a Shotover summary: cumulative count and sum (in seconds on the wire), plus
 * quantiles over the last minute from {@link WindowedQuantiles}.
 *
 * <p>Thread-safe; recording costs a clock read, two {@link LongAdder} additions and one atomic increment.
 */
final class ShotoverTimer extends AbstractTimer {

    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final WindowedQuantiles quantiles;

    ShotoverTimer(Id id, Clock clock, WindowedQuantiles quantiles) {
        // AbstractTimer.record feeds the histogram (in nanoseconds), then calls recordNonNegative.
        super(id, clock, new NoPauseDetector(), TimeUnit.SECONDS, quantiles);
        this.quantiles = quantiles;
    }

    /** {@code times} samples of {@code nanos}, timestamped by the caller; see {@link HotPathRecording}. */
    void recordNanos(long nanos, long times, long nowNanos) {
        if (nanos < 0 || times <= 0) {
            return;
        }
        quantiles.record(nanos, times, nowNanos);
        count.add(times);
        totalNanos.add(nanos * times);
    }

    @Override
    protected void recordNonNegative(long amount, TimeUnit unit) {
        count.increment();
        totalNanos.add(unit.toNanos(amount));
    }

    @Override
    public long count() {
        return count.sum();
    }

    @Override
    public double totalTime(TimeUnit unit) {
        return (double) totalNanos.sum() / unit.toNanos(1);
    }

    /** The largest duration recorded in the last minute (Micrometer's max is time-windowed too). */
    @Override
    public double max(TimeUnit unit) {
        return quantiles.windowMax() / unit.toNanos(1);
    }

    /** Quantiles of the last minute, in seconds, for the given quantile levels. */
    double[] quantileSeconds(double[] levels) {
        double[] nanos = quantiles.quantiles(levels);
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] /= 1e9;
        }
        return nanos;
    }
}
