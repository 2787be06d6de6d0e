package dev.shotover.transforms.cassandra;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.transforms.support.SingleSinkSettings;
import java.util.List;

/** Shared part of {@code CassandraSinkSingle}: the parsed settings and the error counter. Immutable. */
final class CassandraSinkSingleBuilder implements TransformBuilder {
    private final SingleSinkSettings settings;

    CassandraSinkSingleBuilder(CassandraSinkSingleConfig config, BuildContext context) {
        this.settings = new SingleSinkSettings(config.remoteAddress(), config.tls(), config.connectTimeoutMs(),
                config.readTimeout(), context);
    }

    @Override
    public List<String> validate() {
        return settings.problems();
    }

    @Override
    public Transform build(TransformContext context) {
        return new CassandraSinkSingle(RuntimeContext.of(context), settings.destination(), settings.tls(),
                settings.connectTimeoutMs(), settings.readTimeoutSeconds(), settings.failedRequests());
    }
}
