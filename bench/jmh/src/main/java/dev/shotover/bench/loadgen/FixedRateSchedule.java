package dev.shotover.bench.loadgen;

import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fixed-rate schedule of the connections of one event loop: request {@code k} is due at
 * {@code start + k * interval} and goes to connection {@code k mod n}, whatever happened to the requests before
 * it. That open-loop schedule is what makes the latency free of coordinated omission: a slow response cannot delay
 * when later requests are <em>supposed</em> to start, only when they actually do.
 *
 * <p>The schedule wakes itself with an event-loop timer at each request's due time (Netty's epoll transport arms a
 * timerfd with nanosecond resolution), sends every request that is due, and stops at the end of the run.
 *
 * <p><b>Threading.</b> Runs on its event loop only, after {@link #start()}.
 */
final class FixedRateSchedule implements Runnable {
    private final EventLoop loop;
    private final FixedRateConnection[] connections;
    private final long start;
    private final double intervalNanos;
    private final long end;
    private long next;
    private volatile boolean finished;

    /**
     * @param loop          the event loop all {@code connections} belong to
     * @param connections   the connections to spread the requests over
     * @param start         {@link System#nanoTime()} of the first request
     * @param ratePerSecond the requests per second of this schedule (all its connections together)
     * @param end           {@link System#nanoTime()} after which no request is due
     */
    FixedRateSchedule(EventLoop loop, List<FixedRateConnection> connections, long start, double ratePerSecond,
                      long end) {
        if (connections.isEmpty() || ratePerSecond <= 0) {
            throw new IllegalArgumentException("a schedule needs connections and a positive rate");
        }
        this.loop = loop;
        this.connections = connections.toArray(new FixedRateConnection[0]);
        this.start = start;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        this.end = end;
    }

    void start() {
        loop.execute(this);
    }

    /** {@return true once the last request of the schedule was handed to its connection} */
    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        long due = dueTime(next);
        while (due <= now && due < end) {
            connections[(int) (next % connections.length)].due(due);
            next++;
            due = dueTime(next);
        }
        if (due >= end) {
            finished = true;
            return;
        }
        loop.schedule(this, due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private long dueTime(long k) {
        return start + (long) (k * intervalNanos);
    }
}
