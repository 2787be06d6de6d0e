package dev.shotover.transforms.valkey;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.tls.TlsConnector;
import java.util.ArrayList;
import java.util.List;

/** Shared part of {@code ValkeySinkSingle}: the parsed destination and the error counter. */
final class ValkeySinkSingleBuilder implements TransformBuilder {
    private final ValkeySinkSingleConfig config;
    private final HostAndPort destination;
    private final String addressProblem;
    /** Null for plain TCP, or when the TLS settings are broken ({@link #tlsProblem} says how). */
    private final TlsConnector tls;
    private final String tlsProblem;
    private final Metrics.Counter failedRequests;

    ValkeySinkSingleBuilder(ValkeySinkSingleConfig config, BuildContext context) {
        this.config = config;
        HostAndPort parsed = null;
        String problem = null;
        try {
            parsed = HostAndPort.parse(config.remoteAddress());
        } catch (IllegalArgumentException e) {
            problem = "remote_address: " + e.getMessage();
        }
        this.destination = parsed;
        this.addressProblem = problem;
        TlsConnector.Setting tlsSetting = TlsConnector.setting(config.tls());
        this.tls = tlsSetting.connector();
        this.tlsProblem = tlsSetting.problem();
        this.failedRequests = context.metrics().counter("shotover_failed_requests_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
    }

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (addressProblem != null) {
            problems.add(addressProblem);
        }
        if (config.connectTimeoutMs() < 1 || config.connectTimeoutMs() > Integer.MAX_VALUE) {
            problems.add("connect_timeout_ms must be between 1 and " + Integer.MAX_VALUE + " but was "
                    + config.connectTimeoutMs());
        }
        if (config.readTimeout() != null && config.readTimeout() < 1) {
            problems.add("read_timeout must be at least 1 second but was " + config.readTimeout());
        }
        if (tlsProblem != null) {
            problems.add(tlsProblem);
        }
        return problems;
    }

    @Override
    public Transform build(TransformContext context) {
        return new ValkeySinkSingle(RuntimeContext.of(context), destination, tls,
                (int) (long) config.connectTimeoutMs(), config.readTimeout(), failedRequests);
    }
}
