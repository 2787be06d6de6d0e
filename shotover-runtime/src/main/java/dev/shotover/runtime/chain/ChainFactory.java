package dev.shotover.runtime.chain;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.ProxyMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and validates chains: walks the transforms in order tracking the protocol, makes each builder, and checks
 * the rules every chain must keep. Problems come back as report lines (Shotover's texts) rather than exceptions, so
 * that one startup reports all of them.
 */
public final class ChainFactory {
    private final TransformRegistry registry;
    private final ProxyMetrics metrics;

    public ChainFactory(TransformRegistry registry, ProxyMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /** The outcome of building one chain: the definition when {@code errors} is empty. */
    public record Result(ChainDefinition chain, List<String> errors) {
    }

    /**
     * Builds chain {@code chainName} receiving {@code protocol} from up-chain. {@code errors} lines are already
     * indented under a {@code "<chain> chain:"} heading.
     */
    public Result build(String chainName, Protocol protocol, List<TransformConfig> configs) {
        List<String> problems = new ArrayList<>();
        List<TransformEntry> entries = new ArrayList<>();
        if (configs.isEmpty()) {
            problems.add("Chain cannot be empty");
        }
        Protocol current = protocol;
        for (int i = 0; i < configs.size(); i++) {
            TransformConfig config = configs.get(i);
            String typeName = registry.typeNameOf(config.getClass());
            String name = config.name() == null ? typeName : config.name();
            boolean terminating = config.downChainProtocol().isTerminating();
            boolean last = i == configs.size() - 1;

            if (!config.upChainProtocol().accepts(current)) {
                problems.add("Transform " + typeName + " requires upchain protocol to be one of "
                        + describe(config.upChainProtocol()) + " but was " + current);
            }
            if (last && !terminating) {
                problems.add("Non-terminating Transform " + typeName + " named \"" + name
                        + "\" is last in chain. Last Transform must be terminating.");
            }
            if (!last && terminating) {
                problems.add("Terminating Transform " + typeName + " named \"" + name
                        + "\" is not last in chain. Terminating Transform must be last in chain.");
            }

            TransformBuilder builder = null;
            Context context = new Context(chainName, current, name, typeName);
            try {
                builder = config.builder(context);
                for (String problem : builder.validate()) {
                    problems.add(problem);
                }
            } catch (Exception e) {
                problems.add("Transform " + typeName + " named \"" + name + "\" could not be built: " + describe(e));
            }
            if (!context.subChainErrors.isEmpty()) {
                // Shotover's nested format: the transform's type, then each failing sub-chain's report indented
                StringBuilder nested = new StringBuilder(typeName).append(':');
                for (String line : context.subChainErrors) {
                    nested.append("\n  ").append(line);
                }
                problems.add(nested.toString());
            }
            if (builder != null) {
                entries.add(new TransformEntry(name, typeName, builder, terminating,
                        metrics.counter("shotover_transform_total_count", "transform", typeName),
                        metrics.counter("shotover_transform_failures_count", "transform", typeName),
                        metrics.timer("shotover_transform_latency_seconds", "transform", typeName)));
            }
            if (config.downChainProtocol() instanceof dev.shotover.api.DownChainProtocol.TransformedTo to) {
                current = to.protocol();
            }
        }
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>();
            lines.add(chainName + " chain:");
            for (String problem : problems) {
                for (String line : problem.split("\n")) {
                    lines.add("  " + line);
                }
            }
            for (TransformEntry entry : entries) {
                entry.builder().close();
            }
            return new Result(null, lines);
        }
        return new Result(new ChainDefinition(chainName, entries, metrics), List.of());
    }

    private static String describe(dev.shotover.api.UpChainProtocol up) {
        if (up instanceof dev.shotover.api.UpChainProtocol.MustBeOneOf oneOf) {
            List<String> names = new ArrayList<>();
            for (Protocol p : Protocol.values()) {
                if (oneOf.protocols().contains(p)) {
                    names.add(p.displayName());
                }
            }
            return "[" + String.join(", ", names) + "]";
        }
        return "[any]";
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    private final class Context implements BuildContext {
        private final List<String> subChainErrors = new ArrayList<>();
        private final String chainName;
        private final Protocol upChain;
        private final String transformName;
        private final String typeName;

        Context(String chainName, Protocol upChain, String transformName, String typeName) {
            this.chainName = chainName;
            this.upChain = upChain;
            this.transformName = transformName;
            this.typeName = typeName;
        }

        @Override
        public String chainName() {
            return chainName;
        }

        @Override
        public Protocol upChainProtocol() {
            return upChain;
        }

        @Override
        public Metrics metrics() {
            return metrics;
        }

        @Override
        public String transformName() {
            return transformName;
        }

        @Override
        public String transformTypeName() {
            return typeName;
        }

        @Override
        public SubChainFactory subChain(String name, List<TransformConfig> chain) {
            Result result = build(name, upChain, chain);
            if (!result.errors().isEmpty()) {
                subChainErrors.addAll(result.errors());
                return new InvalidSubChain(name);
            }
            return new SubChainDefinition(result.chain());
        }
    }

    /** Stands in for a sub-chain that failed validation; the topology never starts, so it is never built. */
    private record InvalidSubChain(String name) implements SubChainFactory {
        @Override
        public dev.shotover.api.SubChain build(dev.shotover.api.TransformContext context) {
            throw new IllegalStateException("sub-chain " + name + " failed validation");
        }

        @Override
        public void close() {
        }
    }
}
