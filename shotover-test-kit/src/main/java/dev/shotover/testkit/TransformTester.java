package dev.shotover.testkit;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Runs one transform the way the proxy does, without sockets, threads or a runtime: the test gives the requests,
 * a {@link ScriptedDownChain} stands in for the rest of the chain, and each run returns a {@link ChainRun} to assert
 * on what was passed down and what came back.
 *
 * <pre>{@code
 * TransformTester tester = TransformTester.forConfig(new MyConfig(null, "x"))
 *         .downChain(ScriptedDownChain.fakeValkey());
 * tester.sendValkey("SET foo bar", "GET foo")
 *         .assertPassedDownValkey("SET foo bar", "GET foo")
 *         .assertResponses(ValkeyFrame.ok(), ValkeyFrame.bulk("x"));
 * }</pre>
 *
 * <p><b>What it does like the runtime.</b> {@link TransformConfig#builder} is called once with a
 * {@link TestBuildContext} (metrics go to {@link #metrics()}), the builder's {@link TransformBuilder#validate()}
 * problems fail the first run (the proxy would refuse to start), the up-chain protocol is checked, and
 * {@link TransformBuilder#build} makes the per-connection instance with a {@link TestTransformContext} whose event
 * loop is a {@link TestEventLoop}. Each run gets a new {@link ChainState}; runs may overlap, as with a pipelining
 * client. Once a run's stage completes its requests are released, as the runtime does. {@link #close()} closes the
 * transform and the builder.
 *
 * <p><b>The contract is checked.</b> {@link ChainRun#responses()} fails when the transform broke the contract of
 * {@link Transform#transform}: not exactly one response per request, a response to an unknown request, responses out
 * of order for an in-order protocol, or not calling down-chain exactly once (never, for a terminating transform).
 *
 * <p><b>Threading.</b> The test thread plays the connection's event loop: use a tester from one thread.
 */
public final class TransformTester implements AutoCloseable {

    /** The proxy listening address runs report ({@link ChainState#localAddress()}). */
    public static final InetSocketAddress LISTEN_ADDRESS = new InetSocketAddress("127.0.0.1", 6379);

    private final TransformConfig config;
    private TransformBuilder builder;
    private Transform transform;
    private String typeName;
    private String chainName = "test";
    private Protocol protocol = Protocol.VALKEY;
    private SocketAddress clientAddress = TestTransformContext.DEFAULT_CLIENT;
    private ScriptedDownChain downChain = ScriptedDownChain.unexpected();
    private Boolean terminating;
    private final TestMetrics metrics = new TestMetrics();
    private final TestEventLoop eventLoop = new TestEventLoop();
    private TestTransformContext context;
    private List<String> problems;
    private boolean builderIsOurs;
    private boolean closed;

    private TransformTester(TransformConfig config, TransformBuilder builder, Transform transform) {
        this.config = config;
        this.builder = builder;
        this.transform = transform;
    }

    /**
     * {@return a tester that makes the builder from {@code config} on first use} Whether the transform is terminating
     * comes from {@link TransformConfig#downChainProtocol()}; the type name defaults to the config's class name
     * without a trailing {@code Config}, as the runtime names unregistered configs.
     *
     * @param config the transform's configuration, as the YAML would bind it
     */
    public static TransformTester forConfig(TransformConfig config) {
        Objects.requireNonNull(config, "config");
        TransformTester tester = new TransformTester(config, null, null);
        tester.terminating = config.downChainProtocol().isTerminating();
        tester.typeName = defaultTypeName(config.getClass().getSimpleName());
        return tester;
    }

    /**
     * {@return a tester for an existing builder; {@link #close()} leaves the builder open (it is the caller's)}
     *
     * @param builder the transform's builder
     */
    public static TransformTester forBuilder(TransformBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        TransformTester tester = new TransformTester(null, builder, null);
        tester.typeName = defaultTypeName(builder.getClass().getSimpleName());
        return tester;
    }

    /**
     * {@return a tester for an existing per-connection instance; {@link #close()} closes it}
     *
     * @param transform the instance
     */
    public static TransformTester forTransform(Transform transform) {
        Objects.requireNonNull(transform, "transform");
        TransformTester tester = new TransformTester(null, null, transform);
        tester.typeName = defaultTypeName(transform.getClass().getSimpleName());
        return tester;
    }

    private static String defaultTypeName(String simpleName) {
        for (String suffix : List.of("Config", "Builder")) {
            if (simpleName.endsWith(suffix) && simpleName.length() > suffix.length()) {
                return simpleName.substring(0, simpleName.length() - suffix.length());
            }
        }
        return simpleName.isEmpty() ? "Transform" : simpleName;
    }

    // ---- set-up, before the first run ----

    /**
     * Sets the YAML type name the build context reports, e.g. {@code ValkeyGetRewrite}.
     *
     * @param typeName the type name
     * @return this tester
     */
    public TransformTester typeName(String typeName) {
        requireNotStarted();
        this.typeName = Objects.requireNonNull(typeName);
        return this;
    }

    /**
     * Sets the chain name (default {@code "test"}).
     *
     * @param chainName the chain name
     * @return this tester
     */
    public TransformTester chainName(String chainName) {
        requireNotStarted();
        this.chainName = Objects.requireNonNull(chainName);
        return this;
    }

    /**
     * Sets the protocol arriving from up-chain (default Valkey); decides whether responses must keep request order.
     *
     * @param protocol the up-chain protocol
     * @return this tester
     */
    public TransformTester protocol(Protocol protocol) {
        requireNotStarted();
        this.protocol = Objects.requireNonNull(protocol);
        return this;
    }

    /**
     * Sets the simulated client's address ({@link dev.shotover.api.TransformContext#clientAddress()}).
     *
     * @param clientAddress the client's address
     * @return this tester
     */
    public TransformTester clientAddress(SocketAddress clientAddress) {
        requireNotStarted();
        this.clientAddress = Objects.requireNonNull(clientAddress);
        return this;
    }

    /**
     * Sets the rest of the chain. Without one, a down-chain call fails the run
     * ({@link ScriptedDownChain#unexpected()}). May be changed between runs (a new script applies to later calls).
     *
     * @param downChain the rest of the chain
     * @return this tester
     */
    public TransformTester downChain(ScriptedDownChain downChain) {
        this.downChain = Objects.requireNonNull(downChain);
        return this;
    }

    /**
     * Declares whether the transform ends its chain, for the down-chain check: a terminating transform must never
     * call down-chain, any other exactly once per run. Known from the config with {@link #forConfig}; unknown
     * otherwise, and then at most one call per run is allowed.
     *
     * @param terminating whether the transform ends its chain
     * @return this tester
     */
    public TransformTester terminating(boolean terminating) {
        this.terminating = terminating;
        return this;
    }

    // ---- the parts ----

    /** {@return the builder, made from the config on first call} */
    public TransformBuilder builder() {
        if (builder == null && config != null) {
            if (!config.upChainProtocol().accepts(protocol)) {
                throw new AssertionError("Transform " + typeName + " requires upchain protocol to be one of "
                        + ((UpChainProtocol.MustBeOneOf) config.upChainProtocol()).protocols() + " but was "
                        + protocol);
            }
            String name = config.name() == null ? typeName : config.name();
            try {
                builder = config.builder(new TestBuildContext(chainName, protocol, metrics, name, typeName));
            } catch (Exception e) {
                throw new AssertionError("Transform " + typeName + " named \"" + name + "\" could not be built: "
                        + e.getMessage(), e);
            }
            if (builder == null) {
                throw new AssertionError(config.getClass().getName() + ".builder(...) returned null");
            }
            builderIsOurs = true;
        }
        return builder;
    }

    /**
     * {@return the builder's configuration problems ({@link TransformBuilder#validate()}), empty when it is valid or
     * when the tester was given a transform instance}
     */
    public List<String> validationProblems() {
        if (problems == null) {
            TransformBuilder b = builder();
            problems = b == null ? List.of() : List.copyOf(b.validate());
        }
        return problems;
    }

    /**
     * {@return the per-connection instance, built on first call}
     *
     * @throws AssertionError if the builder reported configuration problems
     */
    public Transform transform() {
        if (transform == null) {
            List<String> invalid = validationProblems();
            if (!invalid.isEmpty()) {
                throw new AssertionError("the proxy would not start: transform " + typeName
                        + " reported configuration problems: " + invalid);
            }
            transform = builder().build(context());
            if (transform == null) {
                throw new AssertionError(builder.getClass().getName() + ".build(...) returned null");
            }
        }
        return transform;
    }

    /** {@return the connection context the instance was (or will be) built with} */
    public TestTransformContext context() {
        if (context == null) {
            context = new TestTransformContext(chainName, clientAddress, eventLoop, UnpooledByteBufAllocator.DEFAULT);
        }
        return context;
    }

    /** {@return the simulated event loop: run its tasks or move its clock} */
    public TestEventLoop eventLoop() {
        return eventLoop;
    }

    /** {@return the metrics the transform registered through its build context} */
    public TestMetrics metrics() {
        return metrics;
    }

    /** {@return the current down-chain} */
    public ScriptedDownChain downChain() {
        return downChain;
    }

    /** {@return the chain name used for runs} */
    public String chainName() {
        return chainName;
    }

    /** {@return the up-chain protocol used for runs} */
    public Protocol protocol() {
        return protocol;
    }

    Boolean isTerminating() {
        return terminating;
    }

    // ---- runs ----

    /**
     * Runs the chain with these requests as one batch (a client pipelining them).
     *
     * @param requests the batch
     * @return the run, to inspect and assert on
     */
    public ChainRun send(Message... requests) {
        return send(Arrays.asList(requests));
    }

    /**
     * Runs the chain with these requests as one batch; the list is copied.
     *
     * @param requests the batch
     * @return the run, to inspect and assert on
     */
    public ChainRun send(List<Message> requests) {
        return run(new ArrayList<>(requests), false);
    }

    /**
     * Runs the chain with one request per command line ({@link ValkeyMessages#request(String)}) as one batch.
     *
     * @param commandLines the commands, e.g. {@code "SET foo bar"}
     * @return the run, to inspect and assert on
     */
    public ChainRun sendValkey(String... commandLines) {
        return send(ValkeyMessages.requests(commandLines));
    }

    /** {@return the final run of a connection: empty batch, {@link ChainState#flush()} true} */
    public ChainRun flush() {
        return run(new ArrayList<>(), true);
    }

    /** {@return a run with an empty batch and no flush, as the runtime does after {@code forceRunChain()}} */
    public ChainRun runForced() {
        return run(new ArrayList<>(), false);
    }

    private ChainRun run(List<Message> requests, boolean flush) {
        if (closed) {
            throw new IllegalStateException("the tester was closed");
        }
        Transform instance = transform();
        List<Message> sent = List.copyOf(requests);
        ChainRun run = new ChainRun(this, sent);
        // The down-chain is looked up per call, so a script set between runs applies to later calls.
        ChainState state = new ChainState(chainName, LISTEN_ADDRESS, requests, flush,
                (index, s) -> run.recordCall(downChain.record(index, s)).stage());
        run.start(instance, state);
        // The runtime releases a run's requests once its stage completes, whatever happened.
        run.stage().whenComplete((responses, failure) -> sent.forEach(Message::release));
        eventLoop.runPendingTasks();
        return run;
    }

    /**
     * Ends the simulated connection as the runtime does: closes the transform, then the builder if the tester made
     * it. Pending event-loop tasks are run first. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        eventLoop.runPendingTasks();
        if (transform != null) {
            transform.close();
        }
        if (builderIsOurs && builder != null) {
            builder.close();
        }
        eventLoop.runPendingTasks();
        eventLoop.shutdown();
    }

    private void requireNotStarted() {
        if (builderIsOurs || context != null) {
            throw new IllegalStateException("set up the tester before its first run");
        }
    }

    @Override
    public String toString() {
        return "TransformTester[" + typeName + " in chain " + chainName + ", " + protocol + ", down-chain "
                + downChain + "]";
    }
}
