package dev.shotover.transforms.scatter;

import dev.shotover.api.TransformContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection whose "event loop" queues the tasks given to {@code execute} until the test runs them
 * ({@link #runQueued()}), on the test thread. ConsistentScatter schedules nothing, so scheduling is refused.
 */
final class QueuedLoop extends AbstractExecutorService implements ScheduledExecutorService, TransformContext {
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    /** Runs every queued task, including tasks queued meanwhile; returns how many ran. */
    int runQueued() {
        int ran = 0;
        while (!queued.isEmpty()) {
            queued.poll().run();
            ran++;
        }
        return ran;
    }

    @Override
    public void execute(Runnable command) {
        queued.add(command);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not scheduled in these tests");
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not scheduled in these tests");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not scheduled in these tests");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not scheduled in these tests");
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

    // ---- TransformContext ----

    @Override
    public String chainName() {
        return "test-chain";
    }

    @Override
    public SocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public ScheduledExecutorService eventLoop() {
        return this;
    }

    @Override
    public ByteBufAllocator allocator() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void forceRunChain() {
    }
}
