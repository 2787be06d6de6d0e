package dev.shotover.bench.loadgen;

import dev.shotover.runtime.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * One measurement against one target: opens the connections, fills the key space when the requests read it, runs
 * the fixed-rate schedule for the warm-up and the measured window, waits for the last responses, and returns the
 * merged histograms and the target's CPU time during the measured window.
 *
 * <p><b>Threading.</b> {@link #run} blocks the calling thread (never an event loop) for the length of the run.
 */
final class FixedRateRun {
    /** How long the last responses may take after the schedule ended before the run counts them as lost. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final Transport transport;

    FixedRateRun(EventLoopGroup group, Transport transport) {
        this.group = group;
        this.transport = transport;
    }

    /** What to run. */
    record Plan(InetSocketAddress address, long pid, RespRequests requests, int connections, double ratePerSecond,
                Duration warmup, Duration duration) {
    }

    /**
     * What one run measured.
     *
     * @param latency      from intended start to response (ns), measured window only
     * @param serviceTime  from actual send to response (ns)
     * @param sendLag      from intended start to actual send (ns)
     * @param targetTicks  CPU clock ticks the target process used during the measured window, or -1 when unknown
     * @param ownTicks     CPU clock ticks this generator used during the measured window
     * @param unanswered   measured requests still unanswered when the run gave up waiting
     */
    record Result(Histogram latency, Histogram serviceTime, Histogram sendLag, long errors, long maxBacklog,
                  Duration duration, long targetTicks, long ownTicks, long unanswered) {
        /** {@return measured responses per second} */
        double achievedRate() {
            return latency.getTotalCount() / (duration.toNanos() / 1e9);
        }
    }

    Result run(Plan plan) throws IOException, InterruptedException {
        List<Channel> channels = new ArrayList<>();
        List<FixedRateConnection> connections = new ArrayList<>();
        try {
            connect(plan, channels, connections);
            if (plan.requests().needsFill()) {
                fill(plan.requests(), channels, connections);
            }
            return measure(plan, channels, connections);
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            for (Channel channel : channels) {
                channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private void connect(Plan plan, List<Channel> channels, List<FixedRateConnection> connections)
            throws IOException, InterruptedException {
        List<ChannelFuture> pending = new ArrayList<>();
        for (int i = 0; i < plan.connections(); i++) {
            FixedRateConnection connection = new FixedRateConnection(plan.requests(), i, plan.connections());
            connections.add(connection);
            Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(connection);
            pending.add(bootstrap.connect(plan.address()));
        }
        for (ChannelFuture future : pending) {
            future.await();
            if (!future.isSuccess()) {
                throw new IOException("cannot connect to " + plan.address() + ": " + future.cause().getMessage(),
                        future.cause());
            }
            channels.add(future.channel());
        }
    }

    /** Writes every key once so that the measured GETs find values, spread over the connections, pipelined. */
    private void fill(RespRequests requests, List<Channel> channels, List<FixedRateConnection> connections)
            throws IOException, InterruptedException {
        int n = connections.size();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FixedRateConnection connection = connections.get(i);
            int first = i;
            int count = (requests.keys() - i + n - 1) / n;
            done.add(submit(channels.get(i).eventLoop(), () -> connection.burst(first, n, count)).join());
        }
        try {
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("filling the key space failed: " + e.getMessage(), e);
        }
    }

    private Result measure(Plan plan, List<Channel> channels, List<FixedRateConnection> connections)
            throws IOException, InterruptedException {
        // group the connections by event loop: each loop runs its own schedule, at its share of the rate
        Map<EventLoop, List<FixedRateConnection>> byLoop = new LinkedHashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            byLoop.computeIfAbsent(channels.get(i).eventLoop(), loop -> new ArrayList<>()).add(connections.get(i));
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measureFrom = start + plan.warmup().toNanos();
        long measureUntil = measureFrom + plan.duration().toNanos();
        double globalInterval = 1e9 / plan.ratePerSecond();
        List<FixedRateSchedule> schedules = new ArrayList<>();
        Map<EventLoop, LatencyRecorder> recorders = new LinkedHashMap<>();
        int loopIndex = 0;
        for (Map.Entry<EventLoop, List<FixedRateConnection>> entry : byLoop.entrySet()) {
            LatencyRecorder recorder = new LatencyRecorder(measureFrom, measureUntil);
            recorders.put(entry.getKey(), recorder);
            List<FixedRateConnection> loopConnections = entry.getValue();
            double share = plan.ratePerSecond() * loopConnections.size() / connections.size();
            // offset the loops' schedules so that together they keep the global spacing
            long loopStart = start + (long) (loopIndex++ * globalInterval);
            submit(entry.getKey(), () -> {
                loopConnections.forEach(c -> c.recordInto(recorder));
                return null;
            }).join();
            schedules.add(new FixedRateSchedule(entry.getKey(), loopConnections, loopStart, share, measureUntil));
        }
        schedules.forEach(FixedRateSchedule::start);

        sleepUntil(measureFrom);
        long targetBefore = plan.pid() > 0 ? ProcessCpu.ticks(plan.pid()) : -1;
        long ownBefore = ProcessCpu.ticks(0);
        sleepUntil(measureUntil);
        long targetAfter = plan.pid() > 0 ? ProcessCpu.ticks(plan.pid()) : -1;
        long ownAfter = ProcessCpu.ticks(0);

        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long unanswered;
        do {
            Thread.sleep(10);
            unanswered = 0;
            for (int i = 0; i < channels.size(); i++) {
                FixedRateConnection connection = connections.get(i);
                Throwable failure = submit(channels.get(i).eventLoop(), connection::failure).join();
                if (failure != null) {
                    throw new IOException("connection " + i + " to " + plan.address() + " failed: " + failure,
                            failure);
                }
                unanswered += submit(channels.get(i).eventLoop(), connection::outstanding).join();
            }
        } while ((unanswered > 0 || !schedules.stream().allMatch(FixedRateSchedule::finished))
                && System.nanoTime() < deadline);

        Histogram latency = LatencyRecorder.newHistogram();
        Histogram serviceTime = LatencyRecorder.newHistogram();
        Histogram sendLag = LatencyRecorder.newHistogram();
        long errors = 0;
        long maxBacklog = 0;
        for (Map.Entry<EventLoop, LatencyRecorder> entry : recorders.entrySet()) {
            LatencyRecorder recorder = entry.getValue();
            // read on the loop, so that its last writes are visible here
            submit(entry.getKey(), () -> {
                latency.add(recorder.latency());
                serviceTime.add(recorder.serviceTime());
                sendLag.add(recorder.sendLag());
                return null;
            }).join();
            errors += recorder.errors();
            maxBacklog = Math.max(maxBacklog, recorder.maxBacklog());
        }
        return new Result(latency, serviceTime, sendLag, errors, maxBacklog, plan.duration(),
                targetBefore < 0 || targetAfter < 0 ? -1 : targetAfter - targetBefore, ownAfter - ownBefore,
                unanswered);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static <T> CompletableFuture<T> submit(EventLoop loop, java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
