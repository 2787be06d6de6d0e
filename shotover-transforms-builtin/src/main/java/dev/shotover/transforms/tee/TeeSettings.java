package dev.shotover.transforms.tee;

import dev.shotover.api.Metrics;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection's {@link Tee} shares: the configuration, the result-source switch and the drop counter.
 * Immutable apart from the switch and the counter, both thread-safe.
 *
 * @param name          the Tee's name (also the tee chain's name)
 * @param behavior      what to do with the tee chain's responses
 * @param timeoutMicros how long to wait for the tee chain when waiting for it, or null for no limit
 * @param bufferSize    batches in flight in the tee (and mismatch) chain per connection before dropping
 * @param resultSource  which chain's responses reach the client; set by the HTTP API
 * @param dropped       {@code shotover_tee_dropped_messages_count{chain="Tee"}}
 */
public record TeeSettings(String name, TeeBehavior behavior, Long timeoutMicros, int bufferSize,
                          AtomicReference<ResultSource> resultSource, Metrics.Counter dropped) {
}
