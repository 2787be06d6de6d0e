package dev.shotover.transforms.coalesce;

import dev.shotover.api.TransformContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection context with a real single-thread event loop, for transforms that schedule timers or defer work.
 * Tests drive the transform on that loop ({@link #onLoop}), as the runtime does. {@link #forceRunChain()} runs the
 * hook the test installed, on the loop, after the current task (the runtime's behaviour).
 */
public final class EventLoopContext implements TransformContext, AutoCloseable {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger forcedRuns = new AtomicInteger();
    private volatile Runnable forcedRun = () -> { };

    /** What a forced run does; runs on the loop. */
    public void onForcedRun(Runnable run) {
        this.forcedRun = run;
    }

    /** How many forced runs were asked for. */
    public int forcedRuns() {
        return forcedRuns.get();
    }

    /** Runs {@code task} on the loop and waits for its result. */
    public <T> T onLoop(Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("task on the event loop failed", e);
        }
    }

    /** Waits until every task queued on the loop so far has run. */
    public void drain() {
        onLoop(() -> null);
    }

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
        return loop;
    }

    @Override
    public ByteBufAllocator allocator() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void forceRunChain() {
        if (!loop.inEventLoop()) {
            throw new AssertionError("forceRunChain must be called on the event loop");
        }
        forcedRuns.incrementAndGet();
        loop.execute(() -> forcedRun.run());
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
