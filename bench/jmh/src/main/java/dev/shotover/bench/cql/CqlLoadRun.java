package dev.shotover.bench.cql;

import dev.shotover.bench.loadgen.ProcessCpu;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured run of asynchronous requests against one target: a discarded warm-up, then a measured window.
 *
 * <p>Two ways of loading the target:
 * <ul>
 *   <li><b>Closed loop</b> ({@code rate == 0}): {@code inFlight} requests are outstanding at all times; each answer
 *       sends the next request at once. Throughput is what the target sustains; latency is from send to answer
 *       (with this many requests queued, mostly time waiting in the target: Little's law).</li>
 *   <li><b>Fixed rate</b>: request <i>k</i> is due at {@code start + k / rate} and is timed from that intended start,
 *       so a stall counts for every request that fell due during it (no coordinated omission). At most
 *       {@code inFlight} are outstanding; a request due while the limit is reached waits, and the wait counts.</li>
 * </ul>
 * Answers (and failures) are counted by arrival time: the window holds those that arrived in it, and throughput is
 * their number divided by the window's length. The CPU time of the given processes is read from {@code /proc} at the
 * window's edges.
 *
 * <p><b>Threading.</b> {@link #run} blocks its caller for the run. Answers are recorded on whatever thread completes
 * the sender's stage (the driver's I/O threads), concurrently, through an HdrHistogram {@link Recorder}. A run
 * instance is used once.
 */
final class CqlLoadRun {
    /** Anything slower than a minute is clamped: a response that late means the run is broken anyway. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How long a stopped run waits for its outstanding requests. */
    static final long DRAIN_TIMEOUT_SECONDS = 30;

    /** Sends one request; the stage completes with true when the answer was the expected one. */
    @FunctionalInterface
    interface RequestSender {
        CompletionStage<Boolean> send();
    }

    /**
     * What to run.
     *
     * @param sender   sends one request
     * @param inFlight requests outstanding at once (closed loop) or at most (fixed rate)
     * @param rate     0 for a closed loop, else requests per second
     * @param warmup   discarded start
     * @param duration measured window
     * @param pids     processes whose CPU time to read at the window's edges (0 entries are skipped)
     */
    record Plan(RequestSender sender, int inFlight, double rate, Duration warmup, Duration duration, long... pids) {
    }

    /**
     * What a run measured.
     *
     * @param latency    answer latencies in the window, nanoseconds (errors excluded)
     * @param seconds    the window's actual length
     * @param errors     requests that failed in the window
     * @param unexpected answers in the window that were not the expected result (e.g. a SELECT without its row)
     * @param unanswered requests still outstanding {@value #DRAIN_TIMEOUT_SECONDS} s after the run stopped sending
     * @param cpuTicks   CPU clock ticks each of {@link Plan#pids} used in the window (-1 when unreadable)
     * @param firstError the first failure's description, or null
     */
    record Result(Histogram latency, double seconds, long errors, long unexpected, long unanswered, long[] cpuTicks,
                  String firstError) {
        /** {@return answers per second in the window, errors excluded} */
        double opsPerSecond() {
            return latency.getTotalCount() / seconds;
        }

        /** {@return requests that completed in the window, failed or not} */
        long requests() {
            return latency.getTotalCount() + errors;
        }
    }

    private final Plan plan;
    private final Recorder recorder = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger outstanding = new AtomicInteger();
    /** The measured window, {@link System#nanoTime()}: answers outside it are not counted. Set before sending. */
    private volatile long measureFrom;
    private volatile long measureUntil;
    /** Re-sends after a failure off the completing thread, a little later: no recursion, no spinning on errors. */
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "cql-load-retry");
        thread.setDaemon(true);
        return thread;
    });

    private CqlLoadRun(Plan plan) {
        this.plan = plan;
    }

    /** Runs {@code plan} and {@return what it measured} */
    static Result run(Plan plan) throws InterruptedException {
        CqlLoadRun run = new CqlLoadRun(plan);
        try {
            return run.execute();
        } finally {
            run.retry.shutdownNow();
        }
    }

    private Result execute() throws InterruptedException {
        measureFrom = System.nanoTime() + plan.warmup().toNanos();
        measureUntil = measureFrom + plan.duration().toNanos();
        Thread scheduler = null;
        if (plan.rate() == 0) {
            for (int i = 0; i < plan.inFlight(); i++) {
                outstanding.incrementAndGet();
                sendClosedLoop();
            }
        } else {
            scheduler = new Thread(this::sendAtFixedRate, "cql-load-schedule");
            scheduler.setDaemon(true);
            scheduler.start();
        }
        sleepUntil(measureFrom);
        long[] cpuBefore = cpu();
        sleepUntil(measureUntil);
        long[] cpuAfter = cpu();
        stopping.set(true);
        // every answer recorded from here on is outside the window: the snapshot is complete
        Histogram latency = recorder.getIntervalHistogram();
        if (scheduler != null) {
            scheduler.join();
        }
        long unanswered = drain();
        long[] cpuTicks = new long[cpuBefore.length];
        for (int i = 0; i < cpuTicks.length; i++) {
            cpuTicks[i] = cpuBefore[i] < 0 || cpuAfter[i] < 0 ? -1 : cpuAfter[i] - cpuBefore[i];
        }
        return new Result(latency, plan.duration().toNanos() / 1e9, errors.get(), unexpected.get(), unanswered,
                cpuTicks, firstError.get());
    }

    /** Closed loop: one of the {@code inFlight} request chains; each answer sends the next request. */
    private void sendClosedLoop() {
        if (stopping.get()) {
            outstanding.decrementAndGet();
            return;
        }
        long sent = System.nanoTime();
        send().whenComplete((expected, error) -> {
            record(sent, expected, error);
            if (error == null) {
                sendClosedLoop();
            } else {
                retry.schedule(this::sendClosedLoop, 1, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Fixed rate: sends each request at its intended start, or as soon as the in-flight limit allows. */
    private void sendAtFixedRate() {
        Semaphore permits = new Semaphore(plan.inFlight());
        double period = 1e9 / plan.rate();
        long start = System.nanoTime();
        for (long k = 0; !stopping.get(); k++) {
            long intended = start + (long) (k * period);
            long wait;
            while ((wait = intended - System.nanoTime()) > 0 && !stopping.get()) {
                LockSupport.parkNanos(wait);
            }
            if (!acquire(permits)) {
                return;
            }
            outstanding.incrementAndGet();
            send().whenComplete((expected, error) -> {
                record(intended, expected, error);
                outstanding.decrementAndGet();
                permits.release();
            });
        }
    }

    /** Takes an in-flight permit, giving up when the run stops. */
    private boolean acquire(Semaphore permits) {
        try {
            while (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                if (stopping.get()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private CompletionStage<Boolean> send() {
        try {
            return plan.sender().send();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Counts an answer or failure if it arrived in the measured window. */
    private void record(long startNanos, Boolean expected, Throwable error) {
        long now = System.nanoTime();
        if (now - measureFrom < 0 || now - measureUntil >= 0) {
            return;
        }
        if (error != null) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, error.toString());
            return;
        }
        recorder.recordValue(Math.max(0, Math.min(now - startNanos, HIGHEST_TRACKABLE_NANOS)));
        if (!Boolean.TRUE.equals(expected)) {
            unexpected.incrementAndGet();
        }
    }

    /** Waits for the outstanding requests; {@return how many are still unanswered after the timeout} */
    private long drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_TIMEOUT_SECONDS);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return outstanding.get();
    }

    private long[] cpu() {
        long[] ticks = new long[plan.pids().length];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = plan.pids()[i] == 0 ? -1 : ProcessCpu.ticks(plan.pids()[i]);
        }
        return ticks;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
