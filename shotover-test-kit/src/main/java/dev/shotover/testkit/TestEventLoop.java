package dev.shotover.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic stand-in for a connection's event loop ({@link dev.shotover.api.TransformContext#eventLoop()}):
 * nothing runs on its own. Tasks queue up until the test runs them with {@link #runPendingTasks()}, and scheduled
 * tasks become due only when the test moves the virtual clock with {@link #advanceTimeBy(Duration)}. A transform
 * that completes its stages through {@code eventLoop().execute(...)} or sets timers can so be tested without
 * threads, sleeps or flakiness.
 *
 * <p>{@link TransformTester} runs pending tasks whenever it waits for a stage, so most tests never call this class
 * directly; tests of timeouts call {@link #advanceTimeBy(Duration)}.
 *
 * <p><b>Threading.</b> Like a real event loop this is meant to be used by one thread (the test's); submitting
 * from other threads is safe (the queue is synchronized) but the tasks still run only on the thread that calls
 * {@link #runPendingTasks()} or {@link #advanceTimeBy(Duration)}.
 */
public final class TestEventLoop extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long nowNanos;
    private long sequence;
    private boolean shutdown;

    /** Creates an event loop whose virtual clock starts at zero. */
    public TestEventLoop() {
    }

    /** {@return the virtual time in nanoseconds since this loop was created; moved only by {@link #advanceTimeBy}} */
    public synchronized long nanoTime() {
        return nowNanos;
    }

    /**
     * Runs every task that is due now, including tasks that those tasks submit, in submission order (scheduled
     * tasks in deadline order). A task that throws is not swallowed: the exception propagates to the test after the
     * task is removed.
     *
     * @return how many tasks ran
     */
    public int runPendingTasks() {
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.deadlineNanos > nowNanos) {
                    return ran;
                }
                queue.poll();
            }
            next.runAndRethrow();
            ran++;
        }
    }

    /**
     * Moves the virtual clock forward by {@code duration}, running each scheduled task when its deadline is reached
     * (so a task scheduled by another task within the window also runs), then runs what is due at the new time.
     *
     * @param duration how far to move the clock; not negative
     * @return how many tasks ran
     */
    public int advanceTimeBy(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        long target;
        synchronized (this) {
            target = nowNanos + duration.toNanos();
        }
        int ran = runPendingTasks();
        while (true) {
            synchronized (this) {
                Task<?> next = queue.peek();
                if (next == null || next.deadlineNanos > target) {
                    nowNanos = target;
                    break;
                }
                nowNanos = Math.max(nowNanos, next.deadlineNanos);
            }
            ran += runPendingTasks();
        }
        return ran + runPendingTasks();
    }

    /** {@return the number of queued tasks, due or not (cancelled tasks are removed when cancelled)} */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** {@return the delay until the earliest scheduled task, or null when nothing is queued} */
    public synchronized Duration nextDeadline() {
        Task<?> next = queue.peek();
        return next == null ? null : Duration.ofNanos(Math.max(0, next.deadlineNanos - nowNanos));
    }

    @Override
    public void execute(Runnable command) {
        enqueue(new Task<>(Executors.callable(command, null), 0, 0));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<>(Executors.callable(command, null), unit.toNanos(Math.max(0, delay)), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, unit.toNanos(Math.max(0, delay)), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        requirePositive(period);
        return enqueue(new Task<>(Executors.callable(command, null), unit.toNanos(Math.max(0, initialDelay)),
                unit.toNanos(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        requirePositive(delay);
        // With a virtual clock a task takes no time, so fixed delay and fixed rate coincide.
        return enqueue(new Task<>(Executors.callable(command, null), unit.toNanos(Math.max(0, initialDelay)),
                unit.toNanos(delay)));
    }

    private static void requirePositive(long period) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
    }

    private synchronized <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("the test event loop was shut down");
        }
        task.deadlineNanos += nowNanos;
        task.sequence = sequence++;
        queue.add(task);
        return task;
    }

    private synchronized void remove(Task<?> task) {
        queue.remove(task);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> never = new ArrayList<>(queue);
        queue.clear();
        return never;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        // Nothing runs in the background, so there is nothing to wait for.
        return isTerminated();
    }

    @Override
    public synchronized String toString() {
        return "TestEventLoop[now=" + Duration.ofNanos(nowNanos) + ", " + queue.size() + " queued]";
    }

    /** A queued task; periodic tasks re-queue themselves after each run. */
    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private long deadlineNanos;
        private long sequence;
        private final long periodNanos;

        Task(Callable<V> callable, long delayNanos, long periodNanos) {
            super(callable);
            this.deadlineNanos = delayNanos;
            this.periodNanos = periodNanos;
        }

        @Override
        public boolean isPeriodic() {
            return periodNanos > 0;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadlineNanos - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            if (other == this) {
                return 0;
            }
            if (other instanceof Task<?> task) {
                int byDeadline = Long.compare(deadlineNanos, task.deadlineNanos);
                return byDeadline != 0 ? byDeadline : Long.compare(sequence, task.sequence);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                remove(this);
            }
            return cancelled;
        }

        void runAndRethrow() {
            if (isPeriodic()) {
                if (runAndReset()) {
                    synchronized (TestEventLoop.this) {
                        if (!shutdown) {
                            deadlineNanos += periodNanos;
                            sequence = TestEventLoop.this.sequence++;
                            queue.add(this);
                        }
                    }
                }
            } else {
                run();
            }
            if (isDone() && !isCancelled()) {
                rethrowFailure();
            }
        }

        private void rethrowFailure() {
            try {
                get();
            } catch (java.util.concurrent.ExecutionException e) {
                // A failing task must fail the test rather than vanish. (submit() wraps its task in a future of its
                // own, which keeps the failure for its caller, so only execute()d and scheduled tasks reach here.)
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
