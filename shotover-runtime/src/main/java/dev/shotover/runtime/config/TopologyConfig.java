package dev.shotover.runtime.config;

import dev.shotover.api.config.Required;
import java.util.List;

/** A whole {@code topology.yaml}: the sources, each with its chain. */
public record TopologyConfig(@Required List<SourceConfig> sources) {
    public TopologyConfig {
        sources = List.copyOf(sources);
    }
}
