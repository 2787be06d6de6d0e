package ${package};

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.Required;
import java.util.List;

/**
 * The configuration of {@code ${transformName}}, bound from the topology file:
 *
 * <pre>{@code
 * - ${transformName}:
 *     suffix: " (via shotover)"
 * }</pre>
 *
 * Each YAML key binds to the record component of the same name in camelCase ({@code some_key} to {@code someKey}).
 * Reference components are optional and null when absent, unless annotated {@code @Required}.
 *
 * @param name   the name of this occurrence in logs, errors and metrics; null means "${transformName}"
 * @param suffix appended to the value of every GET reply
 */
public record ${transformName}Config(String name, @Required String suffix) implements TransformConfig {

    /**
     * Called once at startup, off the event loops: blocking work (files, DNS) belongs here, never in the transform.
     */
    @Override
    public TransformBuilder builder(BuildContext context) {
        // Look metrics up once and keep them: a lookup costs far more than an increment.
        Metrics.Counter rewritten = context.metrics().counter("rewritten_replies_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
        // The transform keeps no per-connection state, so one instance can serve every connection.
        Transform shared = new ${transformName}(suffix, rewritten);
        return new TransformBuilder() {
            @Override
            public Transform build(TransformContext connection) {
                return shared;
            }

            @Override
            public List<String> validate() {
                return suffix.isEmpty() ? List.of("${transformName}: suffix must not be empty") : List.of();
            }
        };
    }

    /** The transform understands Valkey only; the proxy refuses a topology that puts it in another chain. */
    @Override
    public UpChainProtocol upChainProtocol() {
        return UpChainProtocol.oneOf(Protocol.VALKEY);
    }
}
