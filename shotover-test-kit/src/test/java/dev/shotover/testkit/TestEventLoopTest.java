package dev.shotover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestEventLoopTest {

    private final TestEventLoop loop = new TestEventLoop();
    private final List<String> ran = new ArrayList<>();

    @Test
    void nothingRunsUntilTheTestRunsPendingTasksThenInSubmissionOrder() {
        loop.execute(() -> ran.add("a"));
        loop.execute(() -> {
            ran.add("b");
            loop.execute(() -> ran.add("c"));   // submitted while running: runs in the same call
        });
        assertThat(ran).isEmpty();

        assertThat(loop.runPendingTasks()).isEqualTo(3);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(loop.pendingTasks()).isZero();
    }

    @Test
    void scheduledTasksRunWhenTheClockReachesTheirDeadlineInDeadlineOrder() {
        loop.schedule(() -> ran.add("2s"), 2, TimeUnit.SECONDS);
        loop.schedule(() -> ran.add("1s"), 1, TimeUnit.SECONDS);
        loop.schedule(() -> ran.add("1s again"), 1000, TimeUnit.MILLISECONDS);

        assertThat(loop.runPendingTasks()).isZero();
        assertThat(loop.nextDeadline()).isEqualTo(Duration.ofSeconds(1));

        loop.advanceTimeBy(Duration.ofMillis(1500));
        assertThat(ran).containsExactly("1s", "1s again");
        assertThat(loop.nanoTime()).isEqualTo(Duration.ofMillis(1500).toNanos());

        loop.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("1s", "1s again", "2s");
    }

    @Test
    void aTaskScheduledByATaskWithinTheWindowAlsoRuns() {
        loop.schedule(() -> {
            ran.add("first at " + loop.nanoTime());
            loop.schedule(() -> ran.add("second at " + loop.nanoTime()), 10, TimeUnit.NANOSECONDS);
        }, 10, TimeUnit.NANOSECONDS);

        loop.advanceTimeBy(Duration.ofNanos(25));

        assertThat(ran).containsExactly("first at 10", "second at 20");
    }

    @Test
    void periodicTasksRepeatUntilCancelled() {
        ScheduledFuture<?> ticking = loop.scheduleAtFixedRate(() -> ran.add("tick " + loop.nanoTime()), 5, 10,
                TimeUnit.NANOSECONDS);

        loop.advanceTimeBy(Duration.ofNanos(30));
        assertThat(ran).containsExactly("tick 5", "tick 15", "tick 25");

        assertThat(ticking.cancel(false)).isTrue();
        loop.advanceTimeBy(Duration.ofNanos(100));
        assertThat(ran).hasSize(3);
        assertThat(loop.pendingTasks()).isZero();
    }

    @Test
    void aCancelledTaskNeverRuns() {
        ScheduledFuture<?> timeout = loop.schedule(() -> ran.add("timeout"), 1, TimeUnit.SECONDS);

        timeout.cancel(false);
        loop.advanceTimeBy(Duration.ofSeconds(5));

        assertThat(ran).isEmpty();
        assertThat(timeout.isCancelled()).isTrue();
    }

    @Test
    void aFailingExecutedTaskFailsTheTestButSubmittedTasksKeepTheirFailure() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("bug in a callback");
        });
        assertThatThrownBy(loop::runPendingTasks).isInstanceOf(IllegalStateException.class)
                .hasMessage("bug in a callback");

        Future<?> submitted = loop.submit(() -> {
            throw new IllegalArgumentException("reported through the future");
        });
        assertThat(loop.runPendingTasks()).isEqualTo(1);
        assertThat(submitted.isDone()).isTrue();
        assertThatThrownBy(submitted::get).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scheduledCallablesReturnTheirValue() throws Exception {
        ScheduledFuture<String> value = loop.schedule(() -> "done", 3, TimeUnit.MILLISECONDS);
        assertThat(value.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(3);

        loop.advanceTimeBy(Duration.ofMillis(3));

        assertThat(value.get()).isEqualTo("done");
    }

    @Test
    void afterShutdownNewTasksAreRejected() {
        loop.schedule(() -> ran.add("never"), 1, TimeUnit.SECONDS);

        assertThat(loop.shutdownNow()).hasSize(1);

        assertThat(loop.isShutdown()).isTrue();
        assertThat(loop.isTerminated()).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void timeNeverMovesBackwards() {
        assertThatThrownBy(() -> loop.advanceTimeBy(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
