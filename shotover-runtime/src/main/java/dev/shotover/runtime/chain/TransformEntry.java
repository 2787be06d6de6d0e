package dev.shotover.runtime.chain;

import dev.shotover.api.Metrics;
import dev.shotover.api.TransformBuilder;
import io.micrometer.core.instrument.Timer;

/**
 * One transform occurrence of a chain as built at startup: its names, its shared builder and its meters.
 *
 * @param name the occurrence's name (the type name when the config gave none)
 * @param typeName the YAML type name, also the {@code transform} metric label
 */
public record TransformEntry(String name, String typeName, TransformBuilder builder, boolean terminating,
                             Metrics.Counter total, Metrics.Counter failures, Timer latency) {
}
