package dev.shotover.transforms.counter;

import dev.shotover.api.BuildContext;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;

/**
 * Configuration of {@link QueryCounter}.
 *
 * <pre>{@code
 * - QueryCounter:
 *     counter_name: "DR chain"
 * }</pre>
 *
 * <p>Older Shotover documentation set the counter's name with {@code name}; when {@code counter_name} is absent,
 * {@code name} is used as the counter name (and, as always, as the occurrence name).
 *
 * @param name        the occurrence name, or null to use the type name
 * @param counterName the value of the {@code name} label of {@code shotover_query_count}
 */
public record QueryCounterConfig(String name, String counterName) implements TransformConfig {

    /** The counter name in effect: {@code counter_name}, else {@code name}, else null (a validation error). */
    public String effectiveCounterName() {
        return counterName != null ? counterName : name;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new QueryCounterBuilder(context.metrics(), effectiveCounterName());
    }
}
