package dev.shotover.runtime.chain;

import dev.shotover.api.TransformContext;
import io.netty.buffer.ByteBufAllocator;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;

/** A context for transforms in chain tests that never touch it. */
final class NoContext implements TransformContext {
    @Override
    public String chainName() {
        return "main";
    }

    @Override
    public SocketAddress clientAddress() {
        return null;
    }

    @Override
    public ScheduledExecutorService eventLoop() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ByteBufAllocator allocator() {
        return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void forceRunChain() {
    }
}
