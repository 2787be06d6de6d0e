package dev.shotover.transforms.tee;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.Required;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link Tee}.
 *
 * <pre>{@code
 * - Tee:
 *     behavior: Ignore              # or FailOnMismatch, LogWarningOnMismatch, {SubchainOnMismatch: [chain]}
 *     timeout_micros: 100000        # optional: how long to wait for the tee chain when waiting for it
 *     buffer_size: 5                # tee-chain batches in flight per connection before batches are dropped
 *     switch_port: 1234             # optional HTTP API; also accepted as http_api_port
 *     chain:
 *       - ValkeySinkSingle:
 *           remote_address: "127.0.0.1:6380"
 * }</pre>
 *
 * @param name          the occurrence name, or null to use the type name; also the tee chain's name
 * @param behavior      what to do with the tee chain's responses; {@link TeeBehavior.Ignore} when absent
 * @param timeoutMicros how long to wait for the tee chain's responses when Tee waits for them; null waits forever
 * @param bufferSize    how many batches may be in flight in the tee chain (and the mismatch chain) per connection
 *                      before further batches are dropped; default {@value #DEFAULT_BUFFER_SIZE}
 * @param chain         the tee chain; receives a copy of every batch
 * @param switchPort    the port of the result-source HTTP API on 127.0.0.1, or null for none
 */
public record TeeConfig(
        String name,
        TeeBehavior behavior,
        Long timeoutMicros,
        Integer bufferSize,
        @Required List<TransformConfig> chain,
        @ConfigAliases("http_api_port") Integer switchPort) implements TransformConfig {

    /** Shotover's default {@code buffer_size}. */
    public static final int DEFAULT_BUFFER_SIZE = 5;

    /** The metric counting requests that did not go to the tee (or mismatch) chain because its buffer was full. */
    public static final String DROPPED_METRIC = "shotover_tee_dropped_messages_count";

    public TeeConfig {
        behavior = behavior == null ? new TeeBehavior.Ignore() : behavior;
        bufferSize = bufferSize == null ? DEFAULT_BUFFER_SIZE : bufferSize;
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    }

    /** What is wrong with the scalar fields, one sentence each; sub-chains are validated by the runtime. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (bufferSize < 1) {
            problems.add("buffer_size must be at least 1 but was " + bufferSize);
        }
        if (timeoutMicros != null && timeoutMicros < 1) {
            problems.add("timeout_micros must be at least 1 but was " + timeoutMicros);
        }
        if (switchPort != null && (switchPort < 1 || switchPort > 65535)) {
            problems.add("switch_port must be between 1 and 65535 but was " + switchPort);
        }
        return problems;
    }

    @Override
    public TransformBuilder builder(BuildContext context) throws Exception {
        String teeName = context.transformName();
        SubChainFactory teeChain = context.subChain(teeName, chain);
        SubChainFactory mismatchChain = behavior instanceof TeeBehavior.SubchainOnMismatch onMismatch
                ? context.subChain(teeName + ".mismatch", onMismatch.chain()) : null;
        // Shotover labels this counter with the literal chain name "Tee", whatever the Tee is called
        Metrics.Counter dropped = context.metrics().counter(DROPPED_METRIC, "chain", "Tee");
        return TeeBuilder.create(teeName, this, teeChain, mismatchChain, dropped, problems());
    }
}
