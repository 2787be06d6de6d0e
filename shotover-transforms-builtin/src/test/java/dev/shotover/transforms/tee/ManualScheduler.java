package dev.shotover.transforms.tee;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded stand-in for an event loop in unit tests: scheduled tasks run when the test calls
 * {@link #fireAll()}, on the test thread, so timeouts are deterministic.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    /** A task waiting to be fired. */
    static final class Task implements ScheduledFuture<Object> {
        final Runnable runnable;
        final long delayNanos;
        boolean cancelled;
        boolean done;

        Task(Runnable runnable, long delayNanos) {
            this.runnable = runnable;
            this.delayNanos = delayNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(delayNanos, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    private final List<Task> tasks = new ArrayList<>();

    /** Runs every scheduled task that was not cancelled; returns how many ran. */
    int fireAll() {
        int ran = 0;
        for (Task task : new ArrayList<>(tasks)) {
            tasks.remove(task);
            if (!task.cancelled) {
                task.done = true;
                task.runnable.run();
                ran++;
            }
        }
        return ran;
    }

    /** Scheduled tasks neither fired nor cancelled. */
    long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }

    List<Task> tasks() {
        return tasks;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, unit.toNanos(delay));
        tasks.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
