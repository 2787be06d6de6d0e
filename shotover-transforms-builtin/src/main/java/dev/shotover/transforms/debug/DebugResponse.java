package dev.shotover.transforms.debug;

import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import java.util.Objects;

/**
 * What {@link DebugReturner} answers with. In YAML the variant key sits directly in the transform's map
 * ({@code - DebugReturner: {Valkey: "42"}}), or is the whole body ({@code - DebugReturner: Fail}).
 */
public sealed interface DebugResponse {

    /**
     * Answer every request with this bulk string. {@code Redis} is the name older Shotover releases used.
     *
     * @param value the text of the bulk string (UTF-8 encoded on the wire)
     */
    @ConfigName("Valkey")
    @ConfigAliases("Redis")
    record Valkey(@Required String value) implements DebugResponse {
        public Valkey {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Fail the chain run, which ends the client connection; for testing error handling. */
    @ConfigName("Fail")
    record Fail() implements DebugResponse {
    }
}
