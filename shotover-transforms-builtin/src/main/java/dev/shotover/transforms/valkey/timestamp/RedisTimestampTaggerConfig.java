package dev.shotover.transforms.valkey.timestamp;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;

/**
 * Configuration of {@link RedisTimestampTagger}.
 *
 * <pre>{@code
 * - RedisTimestampTagger          # also accepted as ValkeyTimestampTagger
 * - RedisTimestampTagger:
 *     attach_timestamp: true      # keep the timestamp on replies as a RESP3 attribute
 * }</pre>
 *
 * @param name            the occurrence name, or null to use the type name
 * @param attachTimestamp whether replies keep their last-modified time as a {@link LastModified} attribute for a
 *                        transform up-chain to read (default false: plain replies). ConsistentScatter sets it for
 *                        the taggers in its routes.
 */
public record RedisTimestampTaggerConfig(String name, Boolean attachTimestamp) implements TransformConfig {

    public RedisTimestampTaggerConfig {
        attachTimestamp = attachTimestamp != null && attachTimestamp;
    }

    /** {@return this configuration with {@code attach_timestamp} on} */
    public RedisTimestampTaggerConfig withAttachedTimestamp() {
        return attachTimestamp ? this : new RedisTimestampTaggerConfig(name, true);
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        boolean attach = attachTimestamp;
        // per connection: each instance tracks its connection's MULTI state
        return connection -> new RedisTimestampTagger(attach, LastModifiedClock.system());
    }

    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }
}
