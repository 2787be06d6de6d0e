package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The registry behind one {@link ProxyMetrics}: Micrometer's simple registry in cumulative mode, except that every
 * timer and distribution summary is a Shotover-style summary (quantiles 0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999 and 1 over
 * the last minute, cumulative sum and count) whatever distribution settings the meter was registered with.
 *
 * <p>Thread-safe, like every Micrometer registry.
 */
final class ProxyMeterRegistry extends SimpleMeterRegistry {

    private static final SimpleConfig CUMULATIVE = new SimpleConfig() {
        @Override
        public String get(String key) {
            return null;
        }

        @Override
        public CountingMode mode() {
            return CountingMode.CUMULATIVE;
        }
    };

    ProxyMeterRegistry(Clock clock) {
        super(CUMULATIVE, clock);
    }

    @Override
    protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
        return new ShotoverTimer(id, clock, new WindowedQuantiles(clock));
    }

    @Override
    protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config,
            double scale) {
        return new ShotoverDistributionSummary(id, scale, new WindowedQuantiles(clock));
    }
}
