package dev.shotover.transforms.tee;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Tee} does with the tee chain's responses. In YAML a bare name ({@code behavior: FailOnMismatch}) or,
 * for {@code SubchainOnMismatch}, a single-key map whose value is the mismatch chain.
 */
public sealed interface TeeBehavior {

    /** True when the responses of both chains are waited for and compared. */
    default boolean compares() {
        return !(this instanceof Ignore);
    }

    /** Do not compare: the tee chain runs fire-and-forget and its responses are released. The default. */
    @ConfigName("Ignore")
    record Ignore() implements TeeBehavior {
    }

    /** Answer a request whose two responses differ with an error instead of the result-source response. */
    @ConfigName("FailOnMismatch")
    record FailOnMismatch() implements TeeBehavior {
    }

    /** Log each mismatching pair of responses at WARN; the client still gets the result-source response. */
    @ConfigName("LogWarningOnMismatch")
    record LogWarningOnMismatch() implements TeeBehavior {
    }

    /**
     * Send (copies of) the requests whose responses differ down a third chain, named {@code <tee name>.mismatch},
     * fire-and-forget; the client still gets the result-source response.
     *
     * @param chain the mismatch chain; must end in a terminating transform
     */
    @ConfigName("SubchainOnMismatch")
    record SubchainOnMismatch(@Required List<TransformConfig> chain) implements TeeBehavior {
        public SubchainOnMismatch {
            chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        }
    }
}
