package dev.shotover.transforms.kafka;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.RuntimeContext;
import java.util.ArrayList;
import java.util.List;

/** Shared part of {@code KafkaSinkSingle}: the validated settings. Immutable. */
final class KafkaSinkSingleBuilder implements TransformBuilder {
    private final KafkaSinkSingleConfig config;

    KafkaSinkSingleBuilder(KafkaSinkSingleConfig config) {
        this.config = config;
    }

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (config.destinationPort() < 1 || config.destinationPort() > 65535) {
            problems.add("destination_port must be between 1 and 65535 but was " + config.destinationPort());
        }
        if (config.connectTimeoutMs() < 1 || config.connectTimeoutMs() > Integer.MAX_VALUE) {
            problems.add("connect_timeout_ms must be between 1 and " + Integer.MAX_VALUE + " but was "
                    + config.connectTimeoutMs());
        }
        if (config.readTimeout() != null && config.readTimeout() < 1) {
            problems.add("read_timeout must be at least 1 second but was " + config.readTimeout());
        }
        if (config.tls() != null) {
            problems.add("tls: TLS to the backend is not supported yet");
        }
        return problems;
    }

    @Override
    public Transform build(TransformContext context) {
        return new KafkaSinkSingle(RuntimeContext.of(context), config.destinationPort(),
                (int) (long) config.connectTimeoutMs(), config.readTimeout());
    }
}
