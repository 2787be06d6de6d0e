package dev.shotover.bench.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run's two load shapes against a fake target that answers after a fixed delay. */
class CqlLoadRunTest {
    private final ScheduledExecutorService target = Executors.newScheduledThreadPool(2);
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger mostOutstanding = new AtomicInteger();

    @AfterEach
    void stop() {
        target.shutdownNow();
    }

    /** A target answering each request {@code delayMillis} later, true unless told otherwise. */
    private CqlLoadRun.RequestSender answeringAfter(long delayMillis, boolean expected) {
        return () -> {
            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            target.schedule(() -> {
                outstanding.decrementAndGet();
                answer.complete(expected);
            }, delayMillis, TimeUnit.MILLISECONDS);
            return answer;
        };
    }

    @Test
    void aClosedLoopKeepsExactlyInFlightRequestsOutstanding() throws InterruptedException {
        CqlLoadRun.Result result = CqlLoadRun.run(new CqlLoadRun.Plan(answeringAfter(5, true), 8, 0,
                Duration.ofMillis(100), Duration.ofMillis(500), 0L, ProcessHandle.current().pid()));
        assertThat(mostOutstanding.get()).isEqualTo(8);
        // 8 chains of 5+ ms round trips for 0.5 s: at most 800 answers (the lower bound leaves room for a busy
        // machine holding the threads off the CPU)
        assertThat(result.latency().getTotalCount()).isBetween(50L, 800L);
        assertThat(result.opsPerSecond()).isBetween(100.0, 1600.0);
        assertThat(result.latency().getValueAtPercentile(50)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(result.errors()).isZero();
        assertThat(result.unexpected()).isZero();
        assertThat(result.unanswered()).isZero();
        assertThat(outstanding.get()).as("drained").isZero();
        assertThat(result.cpuTicks()[0]).as("pid 0 is skipped").isEqualTo(-1);
        assertThat(result.cpuTicks()[1]).as("this JVM's CPU").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aFixedRateSendsOnSchedule() throws InterruptedException {
        // answered at once, so what arrives in the window is what the schedule sent in it: about 1000/s x 0.5 s,
        // less only if a busy machine holds the scheduling thread off the CPU at the window's end (it catches up
        // on the missed slots otherwise)
        CqlLoadRun.Result result = CqlLoadRun.run(new CqlLoadRun.Plan(() -> CompletableFuture.completedFuture(true),
                64, 1000, Duration.ofMillis(100), Duration.ofMillis(500)));
        assertThat(result.opsPerSecond()).isBetween(150.0, 1300.0);
        assertThat(result.errors()).isZero();
    }

    @Test
    void aFixedRateAboveTheInFlightLimitCountsTheWaitAsLatency() throws InterruptedException {
        // 2 in flight and 20 ms per answer: at most 100 answers/s although 1000 are due; the queue grows, and
        // latency from the intended start grows with it, far beyond the 20 ms service time
        CqlLoadRun.Result result = CqlLoadRun.run(new CqlLoadRun.Plan(answeringAfter(20, true), 2, 1000,
                Duration.ZERO, Duration.ofMillis(500)));
        assertThat(mostOutstanding.get()).isEqualTo(2);
        assertThat(result.opsPerSecond()).isLessThan(150.0);
        assertThat(result.latency().getMaxValue()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void failuresAndUnexpectedAnswersAreCountedWithoutStoppingTheRun() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        CqlLoadRun.RequestSender failing = () -> {
            calls.incrementAndGet();
            // fails at once, on the calling thread: the run must neither recurse nor spin
            return CompletableFuture.failedFuture(new IllegalStateException("no node"));
        };
        CqlLoadRun.Result failed = CqlLoadRun.run(new CqlLoadRun.Plan(failing, 4, 0, Duration.ZERO,
                Duration.ofMillis(200)));
        assertThat(failed.errors()).isPositive();
        assertThat(failed.latency().getTotalCount()).isZero();
        assertThat(failed.firstError()).contains("no node");
        // one retry per chain per millisecond at most
        assertThat(calls.get()).isLessThan(4 * 400);

        CqlLoadRun.Result empty = CqlLoadRun.run(new CqlLoadRun.Plan(answeringAfter(1, false), 4, 0, Duration.ZERO,
                Duration.ofMillis(100)));
        assertThat(empty.unexpected()).isEqualTo(empty.latency().getTotalCount()).isPositive();
    }

    @Test
    void aSenderThatThrowsIsAFailureToo() throws InterruptedException {
        CqlLoadRun.RequestSender throwing = () -> {
            throw new IllegalArgumentException("bad bind");
        };
        CqlLoadRun.Result result = CqlLoadRun.run(new CqlLoadRun.Plan(throwing, 1, 0, Duration.ZERO,
                Duration.ofMillis(50)));
        assertThat(result.errors()).isPositive();
        assertThat(result.firstError()).contains("bad bind");
    }
}
