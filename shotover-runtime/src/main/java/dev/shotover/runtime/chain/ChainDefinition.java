package dev.shotover.runtime.chain;

import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * A validated chain, shared by every connection of its source: the transform builders in order and the chain's
 * meters. {@link #instantiate} makes the per-connection {@link TransformChain}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ChainDefinition {
    private final String name;
    private final List<TransformEntry> entries;
    private final ProxyMetrics metrics;
    private final Metrics.Counter total;
    private final Metrics.Counter failures;
    private final DistributionSummary requestsBatchSize;
    private final DistributionSummary responsesBatchSize;

    public ChainDefinition(String name, List<TransformEntry> entries, ProxyMetrics metrics) {
        this.name = name;
        this.entries = List.copyOf(entries);
        this.metrics = metrics;
        this.total = metrics.counter("shotover_chain_total_count", "chain", name);
        this.failures = metrics.counter("shotover_chain_failures_count", "chain", name);
        this.requestsBatchSize = metrics.summary("shotover_chain_requests_batch_size", "chain", name);
        this.responsesBatchSize = metrics.summary("shotover_chain_responses_batch_size", "chain", name);
    }

    public String name() {
        return name;
    }

    public List<TransformEntry> entries() {
        return entries;
    }

    /** Builds the transforms for one connection. Runs on the connection's event loop. */
    public TransformChain instantiate(TransformContext context, String clientDetails) {
        Transform[] transforms = new Transform[entries.size()];
        for (int i = 0; i < transforms.length; i++) {
            transforms[i] = entries.get(i).builder().build(context);
        }
        Timer latency = metrics.timer("shotover_chain_latency_seconds", "chain", name, "client_details", clientDetails);
        return new TransformChain(this, transforms, latency);
    }

    Metrics.Counter total() {
        return total;
    }

    Metrics.Counter failures() {
        return failures;
    }

    DistributionSummary requestsBatchSize() {
        return requestsBatchSize;
    }

    DistributionSummary responsesBatchSize() {
        return responsesBatchSize;
    }

    /** Called at proxy shutdown. */
    public void close() {
        for (TransformEntry entry : entries) {
            entry.builder().close();
        }
    }
}
