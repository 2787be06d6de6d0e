package dev.shotover.runtime.chain;

import dev.shotover.api.TransformConfig;
import dev.shotover.runtime.config.SourceConfig;
import dev.shotover.runtime.config.TopologyConfig;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.observability.ProxyMetrics;
import dev.shotover.runtime.tls.TlsAcceptor;
import dev.shotover.runtime.tls.TlsSettingsException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link TopologyConfig} into runnable sources, or a {@link TopologyException} that reports every problem of
 * the topology at once.
 */
public final class TopologyBuilder {
    private final TransformRegistry registry;
    private final ChainFactory chains;

    public TopologyBuilder(TransformRegistry registry, ProxyMetrics metrics) {
        this.registry = registry;
        this.chains = new ChainFactory(registry, metrics);
    }

    /**
     * A source ready to listen: its config, its validated chain and, when it has {@code tls:}, the loaded TLS
     * acceptor (null for plain TCP).
     */
    public record BuiltSource(SourceConfig config, ChainDefinition chain, TlsAcceptor tls) {
        public BuiltSource(SourceConfig config, ChainDefinition chain) {
            this(config, chain, null);
        }
    }

    public List<BuiltSource> build(TopologyConfig topology) {
        List<String> report = new ArrayList<>();
        report.addAll(checkNamesAreUnique(topology));

        List<BuiltSource> built = new ArrayList<>();
        for (SourceConfig source : topology.sources()) {
            List<String> sourceProblems = new ArrayList<>();
            try {
                HostAndPort.parse(source.listenAddr());
            } catch (IllegalArgumentException e) {
                sourceProblems.add("listen_addr: " + e.getMessage());
            }
            if (source.connectionLimit() < 1) {
                sourceProblems.add("connection_limit must be at least 1 but was " + source.connectionLimit());
            }
            if (source.timeout() != null && source.timeout() < 1) {
                sourceProblems.add("timeout must be at least 1 second but was " + source.timeout());
            }
            TlsAcceptor tls = null;
            if (source.tls() != null) {
                try {
                    tls = TlsAcceptor.load(source.tls(), source.name());
                } catch (TlsSettingsException e) {
                    sourceProblems.add(e.getMessage());
                }
            }
            ChainFactory.Result chain = chains.build(source.name(), source.protocol(), source.chain());
            sourceProblems.addAll(chain.errors());
            if (sourceProblems.isEmpty()) {
                built.add(new BuiltSource(source, chain.chain(), tls));
            } else {
                if (chain.chain() != null) {
                    chain.chain().close();
                }
                report.add(source.name() + " source:");
                for (String line : sourceProblems) {
                    report.add("  " + line);
                }
            }
        }
        if (!report.isEmpty()) {
            for (BuiltSource source : built) {
                source.chain().close();
            }
            List<String> lines = new ArrayList<>();
            lines.add("Topology errors");
            lines.addAll(report);
            throw new TopologyException(lines);
        }
        return built;
    }

    private List<String> checkNamesAreUnique(TopologyConfig topology) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> sourceNames = new LinkedHashMap<>();
        for (SourceConfig source : topology.sources()) {
            sourceNames.merge(source.name(), 1, Integer::sum);
        }
        sourceNames.forEach((name, count) -> {
            if (count > 1) {
                problems.add("Source name \"" + name + "\" is used by " + count
                        + " sources; source names must be unique (set name: on each source)");
            }
        });
        Set<String> seen = new HashSet<>();
        Set<String> reported = new HashSet<>();
        for (SourceConfig source : topology.sources()) {
            for (TransformConfig transform : source.chain()) {
                String name = transform.name();
                // only names the user gave must be unique; the default name is the type name
                if (name != null && !seen.add(name) && reported.add(name)) {
                    problems.add("Transform name \"" + name + "\" is used by more than one transform"
                            + "; transform names must be unique across the topology");
                }
            }
        }
        return problems;
    }

    public TransformRegistry registry() {
        return registry;
    }
}
