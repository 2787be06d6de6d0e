package dev.shotover.transforms.kafka;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.tls.TlsConnector;
import java.util.ArrayList;
import java.util.List;

/** Shared part of {@code KafkaSinkSingle}: the validated settings. Immutable. */
final class KafkaSinkSingleBuilder implements TransformBuilder {
    private final KafkaSinkSingleConfig config;
    /** Null for plain TCP, or when the TLS settings are broken ({@link #tlsProblem} says how). */
    private final TlsConnector tls;
    private final String tlsProblem;

    KafkaSinkSingleBuilder(KafkaSinkSingleConfig config) {
        this.config = config;
        TlsConnector.Setting tlsSetting = TlsConnector.setting(config.tls());
        this.tls = tlsSetting.connector();
        this.tlsProblem = tlsSetting.problem();
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
        if (tlsProblem != null) {
            problems.add(tlsProblem);
        }
        return problems;
    }

    @Override
    public Transform build(TransformContext context) {
        return new KafkaSinkSingle(RuntimeContext.of(context), config.destinationPort(), tls,
                (int) (long) config.connectTimeoutMs(), config.readTimeout());
    }
}
