package dev.shotover.transforms.debug;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Protocol;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.config.Flatten;
import dev.shotover.api.config.Required;
import java.util.Objects;

/**
 * Configuration of {@link DebugReturner}.
 *
 * <pre>{@code
 * - DebugReturner:
 *     Valkey: "42"        # or the older name Redis: "42"
 * - DebugReturner: Fail
 * }</pre>
 *
 * @param name     the occurrence name, or null to use the type name
 * @param response what to answer with; its variant key is flattened into this map
 */
public record DebugReturnerConfig(String name, @Flatten @Required DebugResponse response) implements TransformConfig {

    public DebugReturnerConfig {
        Objects.requireNonNull(response, "response");
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new DebugReturnerBuilder(response);
    }

    /**
     * A Valkey response can only be written to a Valkey client, so that variant accepts only Valkey chains; the
     * runtime then reports a mismatch at startup instead of failing on the first request.
     */
    @Override
    public UpChainProtocol upChainProtocol() {
        return response instanceof DebugResponse.Valkey ? UpChainProtocol.oneOf(Protocol.VALKEY) : UpChainProtocol.any();
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
