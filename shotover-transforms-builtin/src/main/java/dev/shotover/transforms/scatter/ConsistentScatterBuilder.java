package dev.shotover.transforms.scatter;

import dev.shotover.api.SubChainFactory;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import java.util.List;

/**
 * Holds the validated route sub-chains and builds one {@link ConsistentScatter}, with its own route instances,
 * per connection.
 *
 * <p>Thread-safe: the sub-chain factories are, and everything else is immutable.
 */
public final class ConsistentScatterBuilder implements TransformBuilder {
    private final ScatterSettings settings;
    private final List<SubChainFactory> routes;
    private final List<String> problems;

    ConsistentScatterBuilder(ScatterSettings settings, List<SubChainFactory> routes, List<String> problems) {
        this.settings = settings;
        this.routes = List.copyOf(routes);
        this.problems = List.copyOf(problems);
    }

    @Override
    public Transform build(TransformContext context) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid ConsistentScatter configuration: " + problems);
        }
        return new ConsistentScatter(settings, routes, context);
    }

    @Override
    public List<String> validate() {
        return problems;
    }

    /** Releases the routes' shared resources. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (SubChainFactory route : routes) {
            try {
                route.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
