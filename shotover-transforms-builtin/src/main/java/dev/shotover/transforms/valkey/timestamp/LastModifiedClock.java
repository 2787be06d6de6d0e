package dev.shotover.transforms.valkey.timestamp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The proxy's source of last-modified times: microseconds since the Unix epoch, strictly increasing across every
 * connection of the JVM. The wall clock gives milliseconds; within one millisecond (or when the wall clock steps
 * back) each call returns the previous value plus one, so two writes stamped one after the other by this proxy are
 * never tied and never reordered. Under more than 1000 writes per millisecond the values run ahead of the wall
 * clock until it catches up.
 *
 * <p>Proxies do not share a clock: writes stamped by two proxies are ordered only as well as their wall clocks agree.
 *
 * <p>Thread-safe (lock-free).
 */
public final class LastModifiedClock {
    private static final LastModifiedClock SYSTEM = new LastModifiedClock(System::currentTimeMillis);

    private final LongSupplier millis;
    private final AtomicLong last = new AtomicLong();

    /**
     * @param millis the wall clock in milliseconds since the epoch
     */
    public LastModifiedClock(LongSupplier millis) {
        this.millis = millis;
    }

    /** {@return the clock every tagger of this JVM shares} */
    public static LastModifiedClock system() {
        return SYSTEM;
    }

    /** {@return the next timestamp in microseconds: greater than any this clock returned before} */
    public long next() {
        long now = millis.getAsLong() * 1000;
        while (true) {
            long previous = last.get();
            long next = Math.max(now, previous + 1);
            if (last.compareAndSet(previous, next)) {
                return next;
            }
        }
    }
}
