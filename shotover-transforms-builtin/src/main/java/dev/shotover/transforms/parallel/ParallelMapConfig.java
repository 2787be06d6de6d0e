package dev.shotover.transforms.parallel;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.Required;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link ParallelMap}.
 *
 * <pre>{@code
 * - ParallelMap:
 *     parallelism: 4
 *     ordered_results: true
 *     chain:
 *       - QueryCounter:
 *           name: "DR chain"
 *       - ValkeySinkSingle:
 *           remote_address: "127.0.0.1:6379"
 * }</pre>
 *
 * @param name           the occurrence name, or null to use the type name; also the sub-chain's name
 * @param parallelism    how many instances of the sub-chain each connection gets; at least 1
 * @param orderedResults whether responses come back in request order (default true; always true for in-order
 *                       protocols such as Valkey)
 * @param chain          the sub-chain; must end with a terminating transform
 */
public record ParallelMapConfig(String name, int parallelism, Boolean orderedResults,
                                @Required List<TransformConfig> chain) implements TransformConfig {

    public ParallelMapConfig {
        Objects.requireNonNull(chain, "chain");
        chain = List.copyOf(chain);
        if (orderedResults == null) {
            orderedResults = true;
        }
    }

    /** Problems with the fields of this transform itself (the sub-chain is validated by the runtime). */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (parallelism < 1) {
            problems.add("ParallelMap parallelism must be at least 1 but was " + parallelism);
        }
        return problems;
    }

    /**
     * Validates the sub-chain once, under the transform's name: every instance is built from that one
     * {@link SubChainFactory}, so a problem in the sub-chain is reported once, not once per instance.
     */
    @Override
    public TransformBuilder builder(BuildContext context) {
        SubChainFactory subChain = context.subChain(context.transformName(), chain);
        boolean ordered = orderedResults || context.upChainProtocol().isInOrder();
        return new ParallelMapBuilder(context.transformName(), context.chainName(), subChain, parallelism, ordered,
                problems());
    }

    @Override
    public DownChainProtocol downChainProtocol() {
        return DownChainProtocol.terminating();
    }
}
