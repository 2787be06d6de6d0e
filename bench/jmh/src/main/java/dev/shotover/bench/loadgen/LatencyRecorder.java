package dev.shotover.bench.loadgen;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latencies of one run, as seen by the connections of one event loop.
 *
 * <p>Three histograms, in nanoseconds:
 * <ul>
 *   <li><b>latency</b>: from the request's <em>intended</em> start (its slot in the fixed-rate schedule) to the arrival
 *       of its response. A request that waits because the previous one on its connection is late counts that wait:
 *       this is what removes coordinated omission (a slow response delays every request scheduled behind it, and a
 *       client that only timed from the actual send would hide exactly those delays).</li>
 *   <li><b>service time</b>: from the actual send to the response; what a closed-loop tool such as
 *       {@code redis-benchmark} reports. Shown for comparison only.</li>
 *   <li><b>send lag</b>: from the intended start to the actual send. Large values mean either the target fell
 *       behind (requests queued behind slow responses) or the generator itself could not keep to the schedule; in
 *       both cases the latency histogram already includes the delay.</li>
 * </ul>
 * Only requests whose intended start falls in the measured window {@code [measureFrom, measureUntil)} are counted;
 * the warm-up before it is discarded.
 *
 * <p><b>Threading.</b> Written only from its event loop; read by the run after the loop has finished with it (the
 * hand-over goes through the event loop's task queue, which publishes the writes).
 */
public final class LatencyRecorder {
    /** Anything slower than a minute is clamped: a response that late means the run is broken anyway. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long measureFrom;
    private final long measureUntil;
    private final Histogram latency = newHistogram();
    private final Histogram serviceTime = newHistogram();
    private final Histogram sendLag = newHistogram();
    private long errors;
    private long maxBacklog;

    /**
     * @param measureFrom  {@link System#nanoTime()} of the first intended start that counts
     * @param measureUntil {@link System#nanoTime()} of the end of the measured window (exclusive)
     */
    public LatencyRecorder(long measureFrom, long measureUntil) {
        this.measureFrom = measureFrom;
        this.measureUntil = measureUntil;
    }

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }

    /** {@return true when a request intended at {@code intendedNanos} is measured (not warm-up)} */
    boolean counts(long intendedNanos) {
        return intendedNanos >= measureFrom && intendedNanos < measureUntil;
    }

    /** Records one response. */
    void response(long intendedNanos, long sentNanos, long receivedNanos, boolean error) {
        if (!counts(intendedNanos)) {
            return;
        }
        latency.recordValue(clamp(receivedNanos - intendedNanos));
        serviceTime.recordValue(clamp(receivedNanos - sentNanos));
        sendLag.recordValue(clamp(sentNanos - intendedNanos));
        if (error) {
            errors++;
        }
    }

    /** Notes how many requests were waiting on one connection, to show when the target fell behind. */
    void backlog(int waiting) {
        if (waiting > maxBacklog) {
            maxBacklog = waiting;
        }
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    /** {@return latency from the intended start, in nanoseconds} */
    public Histogram latency() {
        return latency;
    }

    /** {@return latency from the actual send, in nanoseconds} */
    public Histogram serviceTime() {
        return serviceTime;
    }

    /** {@return delay between intended start and actual send, in nanoseconds} */
    public Histogram sendLag() {
        return sendLag;
    }

    /** {@return measured responses that were RESP errors} */
    public long errors() {
        return errors;
    }

    /** {@return the most requests seen waiting behind an unanswered one on a single connection} */
    public long maxBacklog() {
        return maxBacklog;
    }
}
