package dev.shotover.transforms.throttling;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import java.util.List;

/**
 * Shared part of {@code RequestThrottling}: the one limiter every connection of the chain draws from, and the
 * counter of throttled requests. Thread-safe.
 */
final class RequestThrottlingBuilder implements TransformBuilder {
    private final RequestThrottlingConfig config;
    private final Gcra limiter;
    private final Metrics.Counter throttled;

    RequestThrottlingBuilder(RequestThrottlingConfig config, BuildContext context) {
        this.config = config;
        this.limiter = config.maxRequestsPerSecond() >= RequestThrottlingConfig.MINIMUM
                ? new Gcra(config.maxRequestsPerSecond(), System::nanoTime) : null;
        this.throttled = context.metrics().counter("shotover_throttled_requests_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
    }

    @Override
    public List<String> validate() {
        if (limiter == null) {
            return List.of("max_requests_per_second has a minimum allowed value of " + RequestThrottlingConfig.MINIMUM
                    + " but it was configured to " + config.maxRequestsPerSecond());
        }
        return List.of();
    }

    @Override
    public Transform build(TransformContext context) {
        return new RequestThrottling(limiter, throttled);
    }
}
