package dev.shotover.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Makes Netty report leaks now rather than at some later allocation. A leaked buffer is only noticed after the garbage
 * collector has cleared it and the leak detector next tracks an allocation; a test that stops before then would pass
 * with a leak. Called by the log assertions before they look for {@code LEAK:} reports.
 */
public final class LeakDetection {
    private LeakDetection() {
    }

    /** Runs the collector and allocates tracked buffers so that pending leak reports are logged. */
    public static void provokeReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
                unpooled.release();
            }
        }
    }
}
