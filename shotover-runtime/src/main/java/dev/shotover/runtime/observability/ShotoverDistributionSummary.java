package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.AbstractDistributionSummary;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Micrometer distribution summary rendered as a Shotover summary: cumulative count and sum, plus quantiles over the
 * last minute from {@link WindowedQuantiles}.
 *
 * <p>Thread-safe; recording costs a clock read, two adder additions and one atomic increment.
 */
final class ShotoverDistributionSummary extends AbstractDistributionSummary {

    private final LongAdder count = new LongAdder();
    private final DoubleAdder total = new DoubleAdder();
    private final WindowedQuantiles quantiles;
    private final double scale;

    ShotoverDistributionSummary(Id id, double scale, WindowedQuantiles quantiles) {
        // AbstractDistributionSummary.record scales the amount, feeds the histogram, then calls recordNonNegative.
        super(id, scale, quantiles);
        this.quantiles = quantiles;
        this.scale = scale;
    }

    /** One sample, timestamped by the caller; the same as {@link #record(double)}, see {@link HotPathRecording}. */
    void record(double amount, long nowNanos) {
        if (!(amount >= 0)) {
            return;
        }
        double scaled = amount * scale;
        quantiles.record(scaled, 1, nowNanos);
        recordNonNegative(scaled);
    }

    @Override
    protected void recordNonNegative(double amount) {
        count.increment();
        total.add(amount);
    }

    @Override
    public long count() {
        return count.sum();
    }

    @Override
    public double totalAmount() {
        return total.sum();
    }

    /** The largest amount recorded in the last minute. */
    @Override
    public double max() {
        return quantiles.windowMax();
    }

    /** Quantiles of the last minute for the given quantile levels. */
    double[] quantileValues(double[] levels) {
        return quantiles.quantiles(levels);
    }
}
