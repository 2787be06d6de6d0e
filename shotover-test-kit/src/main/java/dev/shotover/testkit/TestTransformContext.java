package dev.shotover.testkit;

import dev.shotover.api.TransformContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TransformContext} for tests: one simulated client connection whose event loop is a
 * {@link TestEventLoop}, so nothing runs behind the test's back. {@link #forceRunChain()} only counts the requests;
 * {@link TransformTester#runForced()} performs the run.
 *
 * <p>The event loop is not a Netty event loop: a transform that opens its own backend connections on it
 * ({@code Bootstrap.group(...)}) is tested through a real proxy instead ({@code ProxyTester} in
 * {@code shotover-test-support}).
 *
 * <p><b>Threading.</b> Used from the test thread, which plays the event loop.
 */
public final class TestTransformContext implements TransformContext {

    /** The client address used unless another is given: a loopback address with a fixed ephemeral port. */
    public static final InetSocketAddress DEFAULT_CLIENT = new InetSocketAddress("127.0.0.1", 50_000);

    private final String chainName;
    private final SocketAddress clientAddress;
    private final TestEventLoop eventLoop;
    private final ByteBufAllocator allocator;
    private final AtomicInteger forceRunRequests = new AtomicInteger();

    /**
     * Creates a context.
     *
     * @param chainName     the chain's name
     * @param clientAddress the simulated client's address
     * @param eventLoop     the event loop the transform runs on
     * @param allocator     the allocator handed to the transform; buffers it allocates are the transform's to release
     */
    public TestTransformContext(String chainName, SocketAddress clientAddress, TestEventLoop eventLoop,
                                ByteBufAllocator allocator) {
        this.chainName = Objects.requireNonNull(chainName, "chainName");
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * {@return a context for chain {@code chainName}, client {@link #DEFAULT_CLIENT}, a new event loop, unpooled
     * buffers}
     *
     * @param chainName the chain's name
     */
    public static TestTransformContext forChain(String chainName) {
        return new TestTransformContext(chainName, DEFAULT_CLIENT, new TestEventLoop(),
                UnpooledByteBufAllocator.DEFAULT);
    }

    @Override
    public String chainName() {
        return chainName;
    }

    @Override
    public SocketAddress clientAddress() {
        return clientAddress;
    }

    /** The {@link TestEventLoop}; the interface type is kept for the SDK, {@link #testEventLoop()} gives the class. */
    @Override
    public ScheduledExecutorService eventLoop() {
        return eventLoop;
    }

    /** {@return the event loop with its test controls (virtual clock, pending tasks)} */
    public TestEventLoop testEventLoop() {
        return eventLoop;
    }

    @Override
    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** Counts the request; the test decides when the forced run happens ({@link TransformTester#runForced()}). */
    @Override
    public void forceRunChain() {
        forceRunRequests.incrementAndGet();
    }

    /** {@return how often the transform called {@link #forceRunChain()}} */
    public int forceRunRequests() {
        return forceRunRequests.get();
    }
}
