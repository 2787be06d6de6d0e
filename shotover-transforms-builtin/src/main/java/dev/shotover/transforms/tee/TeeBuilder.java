package dev.shotover.transforms.tee;

import dev.shotover.api.Metrics;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds a {@link Tee} per connection, each with its own instances of the tee chain (and mismatch chain). Owns
 * what the connections share: the validated sub-chains, the result-source switch and, when {@code switch_port} is
 * set, the HTTP API serving it (started here, at startup, and stopped by {@link #close()}).
 *
 * <p>Thread-safe: {@link #build} runs on each new connection's event loop; the switch is an atomic reference.
 */
public final class TeeBuilder implements TransformBuilder {
    private final TeeSettings settings;
    private final SubChainFactory teeChain;
    private final SubChainFactory mismatchChain;
    private final List<String> problems;
    private final ResultSourceHttpApi httpApi;

    private TeeBuilder(TeeSettings settings, SubChainFactory teeChain, SubChainFactory mismatchChain,
                       List<String> problems, ResultSourceHttpApi httpApi) {
        this.settings = settings;
        this.teeChain = teeChain;
        this.mismatchChain = mismatchChain;
        this.problems = List.copyOf(problems);
        this.httpApi = httpApi;
    }

    /**
     * Makes the builder and, when the configuration is valid and has a {@code switch_port}, starts the HTTP API.
     *
     * @param mismatchChain the {@code SubchainOnMismatch} chain, or null
     * @throws IOException when the HTTP API cannot listen on its port (the sub-chains are closed first)
     */
    static TeeBuilder create(String teeName, TeeConfig config, SubChainFactory teeChain,
                             SubChainFactory mismatchChain, Metrics.Counter dropped, List<String> problems)
            throws IOException {
        AtomicReference<ResultSource> resultSource = new AtomicReference<>(ResultSource.REGULAR_CHAIN);
        TeeSettings settings = new TeeSettings(teeName, config.behavior(), config.timeoutMicros(),
                config.bufferSize(), resultSource, dropped);
        ResultSourceHttpApi httpApi = null;
        if (problems.isEmpty() && config.switchPort() != null) {
            try {
                httpApi = ResultSourceHttpApi.start(teeName, config.switchPort(), resultSource);
            } catch (IOException | RuntimeException e) {
                closeAll(teeChain, mismatchChain);
                throw e;
            }
        }
        return new TeeBuilder(settings, teeChain, mismatchChain, problems, httpApi);
    }

    @Override
    public Transform build(TransformContext context) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid Tee configuration: " + problems);
        }
        SubChain tee = teeChain.build(context);
        SubChain mismatch;
        try {
            mismatch = mismatchChain == null ? null : mismatchChain.build(context);
        } catch (RuntimeException e) {
            tee.close();
            throw e;
        }
        return new Tee(settings, tee, mismatch, context);
    }

    @Override
    public List<String> validate() {
        return problems;
    }

    /** The switch every connection of this Tee reads once per batch; the HTTP API sets it. */
    public AtomicReference<ResultSource> resultSource() {
        return settings.resultSource();
    }

    /** The port the HTTP API listens on, or -1 when there is none. */
    public int httpApiPort() {
        return httpApi == null ? -1 : httpApi.port();
    }

    /** Stops the HTTP API and releases the sub-chains' shared resources. */
    @Override
    public void close() {
        try {
            if (httpApi != null) {
                httpApi.close();
            }
        } finally {
            closeAll(teeChain, mismatchChain);
        }
    }

    private static void closeAll(SubChainFactory teeChain, SubChainFactory mismatchChain) {
        try {
            teeChain.close();
        } finally {
            if (mismatchChain != null) {
                mismatchChain.close();
            }
        }
    }
}
