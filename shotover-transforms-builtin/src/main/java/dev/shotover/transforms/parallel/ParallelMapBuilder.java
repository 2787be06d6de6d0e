package dev.shotover.transforms.parallel;

import dev.shotover.api.SubChainFactory;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import java.util.List;
import java.util.Objects;

/**
 * Holds the validated sub-chain and builds one {@link ParallelMap}, with its own sub-chain instances, per
 * connection.
 *
 * <p>Thread-safe: the sub-chain factory is, and everything else is immutable.
 */
public final class ParallelMapBuilder implements TransformBuilder {
    private final String name;
    private final String chainName;
    private final SubChainFactory subChain;
    private final int parallelism;
    private final boolean ordered;
    private final List<String> problems;

    /**
     * @param name        the transform's occurrence name (for errors and logs)
     * @param chainName   the chain the transform is part of
     * @param subChain    the validated sub-chain every instance is built from
     * @param parallelism instances per connection
     * @param ordered     responses in request order (else in the order the instances finish)
     * @param problems    configuration problems, reported by {@link #validate()}
     */
    public ParallelMapBuilder(String name, String chainName, SubChainFactory subChain, int parallelism,
                              boolean ordered, List<String> problems) {
        this.name = Objects.requireNonNull(name);
        this.chainName = Objects.requireNonNull(chainName);
        this.subChain = Objects.requireNonNull(subChain);
        this.parallelism = parallelism;
        this.ordered = ordered;
        this.problems = List.copyOf(problems);
    }

    @Override
    public Transform build(TransformContext context) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid ParallelMap configuration: " + problems);
        }
        return new ParallelMap(name, chainName, subChain, context, parallelism, ordered);
    }

    @Override
    public List<String> validate() {
        return problems;
    }

    /** Whether responses come back in request order (always for in-order protocols). */
    boolean ordered() {
        return ordered;
    }

    @Override
    public void close() {
        subChain.close();
    }
}
