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

    ShotoverDistributionSummary(Id id, double scale, WindowedQuantiles quantiles) {
        // AbstractDistributionSummary.record scales the amount, feeds the histogram, then calls recordNonNegative.
        super(id, scale, quantiles);
        this.quantiles = quantiles;
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
