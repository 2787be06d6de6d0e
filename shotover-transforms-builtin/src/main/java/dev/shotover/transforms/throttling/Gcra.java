package dev.shotover.transforms.throttling;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A generic cell rate algorithm limiter: {@code rate} cells per second with a burst of {@code rate} cells, the
 * same quota as Shotover's ({@code governor}'s {@code Quota::per_second}). It keeps one number, the theoretical
 * arrival time of the next cell; a request of {@code n} cells is allowed when that time, pushed {@code n} emission
 * intervals later, is no more than the burst tolerance ahead of now. A request larger than the burst is never
 * allowed.
 *
 * <p>Thread-safe and lock-free: one instance is shared by every connection of a chain, across event loops.
 */
final class Gcra {
    private final long emissionIntervalNanos;
    private final long toleranceNanos;
    private final int burst;
    private final LongSupplier clock;
    private final AtomicLong theoreticalArrival;

    Gcra(int cellsPerSecond, LongSupplier nanoClock) {
        this.emissionIntervalNanos = 1_000_000_000L / cellsPerSecond;
        this.burst = cellsPerSecond;
        this.toleranceNanos = emissionIntervalNanos * cellsPerSecond;
        this.clock = nanoClock;
        this.theoreticalArrival = new AtomicLong(nanoClock.getAsLong());
    }

    /** {@return true, and the cells are taken, when {@code cells} more fit the quota now} */
    boolean tryAcquire(int cells) {
        if (cells > burst) {
            return false;
        }
        long cost = emissionIntervalNanos * cells;
        while (true) {
            long now = clock.getAsLong();
            long tat = theoreticalArrival.get();
            long start = tat - now > 0 ? tat : now;
            long next = start + cost;
            if (next - now > toleranceNanos) {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, next)) {
                return true;
            }
        }
    }
}
