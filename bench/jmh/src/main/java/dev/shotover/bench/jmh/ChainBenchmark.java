package dev.shotover.bench.jmh;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.chain.ChainFactory;
import dev.shotover.runtime.chain.TransformChain;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One run of the runtime's {@link TransformChain} per invocation: {@link #passthroughs} transforms that only call
 * down-chain, then a terminating sink that answers from memory, with the chain's and every transform's metrics
 * recorded as in the proxy. The difference between 0 and 5 passthroughs is what the chain machinery costs per
 * transform; the 0 case is the fixed cost of a run (the sink's own work is one response object per request).
 *
 * <p>Scores are per run (per client batch of {@link #batch} requests).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class ChainBenchmark {
    @Param({"0", "5"})
    public int passthroughs;

    /** Requests per run: 1 for an unpipelined client, 16 for {@code redis-benchmark -P 16}. */
    @Param({"1", "16"})
    public int batch;

    private static final ValkeyFrame OK = new ValkeyFrame.SimpleString("OK");

    private TransformChain chain;
    private Message[] requests;
    private final Outcome outcome = new Outcome();

    /** Receives each run's responses; a field rather than a lambda so that a run allocates nothing for it. */
    static final class Outcome implements BiConsumer<List<Message>, Throwable> {
        List<Message> responses;
        Throwable failure;

        @Override
        public void accept(List<Message> responses, Throwable failure) {
            this.responses = responses;
            this.failure = failure;
        }
    }

    /** A transform that does nothing but call the rest of the chain. */
    record Passthrough(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> state.callNextTransform();
        }
    }

    /** A terminating transform answering every request with {@code +OK} at once, without any I/O. */
    record InMemorySink(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> {
                List<Message> in = state.requests();
                List<Message> responses = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    responses.add(Message.responseTo(in.get(i), OK));
                }
                return CompletableFuture.completedFuture(responses);
            };
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<TransformConfig> configs = new ArrayList<>();
        for (int i = 0; i < passthroughs; i++) {
            configs.add(new Passthrough("pass-" + i));
        }
        configs.add(new InMemorySink("sink"));
        ChainFactory.Result result = new ChainFactory(TransformRegistry.empty(), new ProxyMetrics())
                .build("bench", Protocol.VALKEY, configs);
        if (!result.errors().isEmpty()) {
            throw new IllegalStateException(String.join("\n", result.errors()));
        }
        chain = result.chain().instantiate(new BenchContext(), "127.0.0.1");
        requests = new Message[batch];
        for (int i = 0; i < batch; i++) {
            requests[i] = Message.fromFrame(ValkeyFrame.command("GET", "bench:key:" + i));
        }
    }

    @Benchmark
    public List<Message> run() {
        List<Message> batchOfRequests = new ArrayList<>(requests.length);
        for (Message request : requests) {
            batchOfRequests.add(request);
        }
        chain.run(chain.newRun(batchOfRequests, null, false), outcome);
        if (outcome.failure != null) {
            throw new IllegalStateException(outcome.failure);
        }
        return outcome.responses;
    }

    /** The connection a chain instance belongs to; the transforms here never use it. */
    private static final class BenchContext implements TransformContext {
        private static final SocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);

        @Override
        public String chainName() {
            return "bench";
        }

        @Override
        public SocketAddress clientAddress() {
            return CLIENT;
        }

        @Override
        public ScheduledExecutorService eventLoop() {
            throw new UnsupportedOperationException("the benchmark's transforms never schedule");
        }

        @Override
        public ByteBufAllocator allocator() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public void forceRunChain() {
        }
    }
}
