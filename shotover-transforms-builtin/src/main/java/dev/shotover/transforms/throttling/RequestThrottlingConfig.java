package dev.shotover.transforms.throttling;

import dev.shotover.api.BuildContext;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.Required;

/**
 * {@code RequestThrottling}: at most {@code max_requests_per_second} requests pass per second, shared by every
 * connection of the chain, with a burst of the same size. Over the limit a request is answered by the proxy with
 * the protocol's own "overloaded" error. A Cassandra BATCH costs one per statement.
 *
 * <pre>
 * - RequestThrottling:
 *     max_requests_per_second: 20000   # at least 50
 * </pre>
 *
 * @param name                 the occurrence name, or null to use the type name
 * @param maxRequestsPerSecond the rate limit; at least {@value #MINIMUM}
 */
public record RequestThrottlingConfig(String name, @Required Integer maxRequestsPerSecond) implements TransformConfig {

    /** Shotover's minimum: lower rates round the emission interval too coarsely to be meaningful. */
    public static final int MINIMUM = 50;

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new RequestThrottlingBuilder(this, context);
    }
}
