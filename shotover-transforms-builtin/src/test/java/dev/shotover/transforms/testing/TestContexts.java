package dev.shotover.transforms.testing;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;

/** Minimal build and connection contexts for driving a transform without the runtime. */
public final class TestContexts {
    private TestContexts() {
    }

    public static BuildContext build(String transformTypeName, Metrics metrics) {
        return new BuildContext() {
            @Override
            public String chainName() {
                return "test-chain";
            }

            @Override
            public Protocol upChainProtocol() {
                return Protocol.VALKEY;
            }

            @Override
            public Metrics metrics() {
                return metrics;
            }

            @Override
            public String transformName() {
                return transformTypeName;
            }

            @Override
            public String transformTypeName() {
                return transformTypeName;
            }
        };
    }

    /** A connection context; the transforms under test use none of it, so the event loop is absent. */
    public static TransformContext connection() {
        return new TransformContext() {
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
                throw new UnsupportedOperationException("no event loop in unit tests");
            }

            @Override
            public ByteBufAllocator allocator() {
                return UnpooledByteBufAllocator.DEFAULT;
            }

            @Override
            public void forceRunChain() {
            }
        };
    }
}
