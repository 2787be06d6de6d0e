package dev.shotover.runtime.observability;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.Histogram;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Quantiles over the recent past of a stream of non-negative values, the way Shotover's Prometheus exporter keeps
 * them: the samples of the last three 20-second slots (so 40 to 60 seconds of history), one slot being dropped every
 * 20 seconds.
 *
 * <p>Each slot is a log-linear histogram: every power of two is split into 64 equal buckets and a quantile is reported
 * as the middle of its bucket, so it is within 1/128 (0.8%) of a value that was recorded; quantiles 0 and 1 are the
 * exact minimum and maximum. A slot allocates the bucket array of a power of two only once a value of that
 * magnitude arrives, which keeps a latency histogram (a handful of powers of two) at a few KiB.
 *
 * <p>Recording is lock-free and allocation-free in the steady state: one clock read (compared with the bounds of the
 * slot used last), one atomic increment and, rarely, a CAS for a new minimum or maximum or a slot rotation. A sample
 * that races with a rotation may land in the slot being retired, which only matters to the quantiles of that one
 * slot. Reading ({@link #quantiles}) merges the live slots
 * and is meant for scrapes, not the hot path.
 *
 * <p>Thread-safe. Implements Micrometer's {@link Histogram} so that it can back a Micrometer timer or distribution
 * summary; counts and sums are kept by the meter, not here, because they are cumulative while the quantiles are not.
 */
final class WindowedQuantiles implements Histogram {

    /** The quantiles Shotover publishes for every histogram. */
    static final double[] SHOTOVER_QUANTILES = {0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};

    static final int SLOT_COUNT = 3;
    static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private static final int SUB_BUCKET_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    // 2^-32 (about 2e-10) up to 2^64 covers nanosecond latencies and any batch size or byte count; smaller values
    // (zero included) count as 0, larger ones as the largest bucket.
    private static final int MIN_EXPONENT = -32;
    private static final int MAX_EXPONENT = 63;
    private static final int OCTAVES = MAX_EXPONENT - MIN_EXPONENT + 1;
    private static final long NO_MIN = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);

    private final Clock clock;
    /** True when {@link #clock} is the system clock, so a caller's {@link System#nanoTime()} can stand in for it. */
    private final boolean systemClock;
    private final double[] quantiles;
    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOT_COUNT);
    /**
     * The slot recorded into last. Checking that the clock is still inside its 20 seconds is two comparisons, where
     * finding the slot from scratch costs two long divisions and a volatile array read on every sample.
     */
    private volatile Slot current;

    WindowedQuantiles(Clock clock, double[] quantiles) {
        this.clock = clock;
        this.systemClock = clock == Clock.SYSTEM;
        this.quantiles = quantiles.clone();
    }

    WindowedQuantiles(Clock clock) {
        this(clock, SHOTOVER_QUANTILES);
    }

    @Override
    public void recordLong(long value) {
        recordDouble(value);
    }

    @Override
    public void recordDouble(double value) {
        // Negative values are rejected by the meters; NaN has no place in a quantile.
        if (!(value >= 0)) {
            return;
        }
        currentSlot(clock.monotonicTime()).add(value, 1);
    }

    /**
     * Records {@code times} samples of {@code value}. {@code nowNanos} is a {@link System#nanoTime()} the caller read
     * anyway; it picks the slot when this histogram runs on the system clock (saving a clock read per sample), and is
     * ignored otherwise (tests on a mock clock).
     */
    void record(double value, long times, long nowNanos) {
        if (!(value >= 0) || times <= 0) {
            return;
        }
        currentSlot(systemClock ? nowNanos : clock.monotonicTime()).add(value, times);
    }

    private Slot currentSlot(long now) {
        Slot last = current;
        if (last != null && now >= last.startNanos && now < last.startNanos + SLOT_NANOS) {
            return last;
        }
        Slot slot = slotAt(now);
        current = slot;
        return slot;
    }

    private Slot slotAt(long now) {
        long epoch = Math.floorDiv(now, SLOT_NANOS);
        int index = (int) Math.floorMod(epoch, (long) SLOT_COUNT);
        while (true) {
            Slot slot = slots.get(index);
            if (slot != null && slot.epoch >= epoch) {
                return slot;
            }
            Slot fresh = new Slot(epoch);
            if (slots.compareAndSet(index, slot, fresh)) {
                return fresh;
            }
        }
    }

    /**
     * The given quantiles over the samples of the live slots, in the unit values were recorded in; all zero when the
     * window holds no sample (as Shotover's exporter renders an idle summary).
     */
    double[] quantiles(double[] wanted) {
        long nowEpoch = Math.floorDiv(clock.monotonicTime(), SLOT_NANOS);
        Slot[] live = new Slot[SLOT_COUNT];
        int liveCount = 0;
        for (int i = 0; i < SLOT_COUNT; i++) {
            Slot slot = slots.get(i);
            if (slot != null && slot.epoch > nowEpoch - SLOT_COUNT) {
                live[liveCount++] = slot;
            }
        }
        double[] result = new double[wanted.length];
        if (liveCount == 0) {
            return result;
        }
        long total = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int s = 0; s < liveCount; s++) {
            Slot slot = live[s];
            total += slot.count();
            min = Math.min(min, Double.longBitsToDouble(slot.minBits.get()));
            max = Math.max(max, Double.longBitsToDouble(slot.maxBits.get()));
        }
        if (total == 0) {
            return result;
        }
        // Nearest rank: the smallest value with at least quantile * total samples at or below it. One pass over the
        // buckets serves every quantile because ranks grow with quantiles.
        Integer[] order = new Integer[wanted.length];
        for (int q = 0; q < wanted.length; q++) {
            order[q] = q;
        }
        Arrays.sort(order, (a, b) -> Double.compare(wanted[a], wanted[b]));
        int next = 0;
        while (next < order.length && wanted[order[next]] <= 0) {
            result[order[next++]] = min;
        }
        long seen = 0;
        for (int octave = 0; octave < OCTAVES && next < order.length; octave++) {
            for (int sub = 0; sub < SUB_BUCKETS && next < order.length; sub++) {
                long inBucket = 0;
                for (int s = 0; s < liveCount; s++) {
                    inBucket += live[s].countAt(octave, sub);
                }
                if (inBucket == 0) {
                    continue;
                }
                seen += inBucket;
                double midpoint = bucketMidpoint(octave * SUB_BUCKETS + sub);
                while (next < order.length && wanted[order[next]] < 1
                        && seen >= Math.max(1, (long) Math.ceil(wanted[order[next]] * total))) {
                    result[order[next++]] = Math.min(max, Math.max(min, midpoint));
                }
            }
        }
        // Quantile 1, and any rank a concurrent recording pushed past the buckets counted above, is the maximum.
        while (next < order.length) {
            result[order[next++]] = max;
        }
        return result;
    }

    private static int bucketIndex(double value) {
        long bits = Double.doubleToRawLongBits(value);
        int exponent = (int) (bits >>> 52) - 1023;
        if (exponent < MIN_EXPONENT) {
            return 0;
        }
        if (exponent > MAX_EXPONENT) {
            return OCTAVES * SUB_BUCKETS - 1;
        }
        int sub = (int) (bits >>> (52 - SUB_BUCKET_BITS)) & (SUB_BUCKETS - 1);
        return (exponent - MIN_EXPONENT) * SUB_BUCKETS + sub;
    }

    private static double bucketMidpoint(int index) {
        if (index == 0) {
            // The lowest bucket also holds zero and everything below 2^-32, which is zero for every unit we record.
            return 0;
        }
        int exponent = index / SUB_BUCKETS + MIN_EXPONENT;
        int sub = index % SUB_BUCKETS;
        return Math.scalb(1.0 + (sub + 0.5) / SUB_BUCKETS, exponent);
    }

    /** The configured quantiles as a Micrometer snapshot (values in the recorded unit). */
    @Override
    public HistogramSnapshot takeSnapshot(long count, double total, double max) {
        double[] values = quantiles(quantiles);
        ValueAtPercentile[] percentiles = new ValueAtPercentile[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            percentiles[i] = new ValueAtPercentile(quantiles[i], values[i]);
        }
        return new HistogramSnapshot(count, total, max, percentiles, new CountAtBucket[0], null);
    }

    /** The largest value in the live window, 0 when it is empty. */
    double windowMax() {
        return quantiles(new double[] {1.0})[0];
    }

    /** One 20-second slot; its epoch never changes, a rotation swaps in a new slot. */
    private static final class Slot {
        final long epoch;
        final long startNanos;
        final AtomicReferenceArray<AtomicLongArray> octaves = new AtomicReferenceArray<>(OCTAVES);
        // Non-negative doubles order the same way as their bit patterns, so min and max are plain long CAS loops.
        final AtomicLong minBits = new AtomicLong(NO_MIN);
        final AtomicLong maxBits = new AtomicLong(0L);

        Slot(long epoch) {
            this.epoch = epoch;
            this.startNanos = epoch * SLOT_NANOS;
        }

        void add(double value, long times) {
            int index = bucketIndex(value);
            int octave = index >>> SUB_BUCKET_BITS;
            AtomicLongArray counts = octaves.get(octave);
            if (counts == null) {
                counts = new AtomicLongArray(SUB_BUCKETS);
                if (!octaves.compareAndSet(octave, null, counts)) {
                    counts = octaves.get(octave);
                }
            }
            counts.getAndAdd(index & (SUB_BUCKETS - 1), times);
            long bits = Double.doubleToRawLongBits(value);
            long max = maxBits.get();
            while (bits > max && !maxBits.compareAndSet(max, bits)) {
                max = maxBits.get();
            }
            long min = minBits.get();
            while (bits < min && !minBits.compareAndSet(min, bits)) {
                min = minBits.get();
            }
        }

        long count() {
            long total = 0;
            for (int octave = 0; octave < OCTAVES; octave++) {
                AtomicLongArray counts = octaves.get(octave);
                if (counts != null) {
                    for (int sub = 0; sub < SUB_BUCKETS; sub++) {
                        total += counts.get(sub);
                    }
                }
            }
            return total;
        }

        long countAt(int octave, int sub) {
            AtomicLongArray counts = octaves.get(octave);
            return counts == null ? 0 : counts.get(sub);
        }
    }
}
