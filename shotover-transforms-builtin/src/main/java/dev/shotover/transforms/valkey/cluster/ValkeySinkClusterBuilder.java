package dev.shotover.transforms.valkey.cluster;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.tls.TlsConnector;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared part of {@code ValkeySinkCluster}: the parsed contact points and direct destination, and the error
 * counter. Holds no connections: each client connection's instance fetches its own topology (see
 * {@link ValkeySinkCluster}).
 */
final class ValkeySinkClusterBuilder implements TransformBuilder {
    private final ValkeySinkClusterConfig config;
    private final List<HostAndPort> contactPoints = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private HostAndPort direct;
    /** Null for plain TCP, or when the TLS settings are broken (then {@link #problems} says how). */
    private final TlsConnector tls;
    private final Metrics.Counter failedRequests;

    ValkeySinkClusterBuilder(ValkeySinkClusterConfig config, BuildContext context) {
        this.config = config;
        if (config.firstContactPoints() == null || config.firstContactPoints().isEmpty()) {
            problems.add("first_contact_points must name at least one node");
        } else {
            for (String point : config.firstContactPoints()) {
                try {
                    contactPoints.add(HostAndPort.parse(point));
                } catch (IllegalArgumentException e) {
                    problems.add("first_contact_points: " + e.getMessage());
                }
            }
        }
        String directText = config.directDestination() != null ? config.directDestination() : config.directConnection();
        if (directText != null) {
            try {
                direct = HostAndPort.parse(directText);
            } catch (IllegalArgumentException e) {
                problems.add((config.directDestination() != null ? "direct_destination: " : "direct_connection: ")
                        + e.getMessage());
            }
        }
        TlsConnector.Setting tlsSetting = TlsConnector.setting(config.tls());
        this.tls = tlsSetting.connector();
        if (tlsSetting.problem() != null) {
            problems.add(tlsSetting.problem());
        }
        this.failedRequests = context.metrics().counter("shotover_failed_requests_count",
                "chain", context.chainName(), "transform", context.transformTypeName());
    }

    @Override
    public List<String> validate() {
        List<String> all = new ArrayList<>(problems);
        if (config.directDestination() != null && config.directConnection() != null) {
            all.add("direct_destination and direct_connection are the same setting: give only one");
        }
        if (config.connectTimeoutMs() < 1 || config.connectTimeoutMs() > Integer.MAX_VALUE) {
            all.add("connect_timeout_ms must be between 1 and " + Integer.MAX_VALUE + " but was "
                    + config.connectTimeoutMs());
        }
        if (config.connectionCount() < 1 || config.connectionCount() > 1024) {
            all.add("connection_count must be between 1 and 1024 but was " + config.connectionCount());
        }
        return all;
    }

    @Override
    public Transform build(TransformContext context) {
        return new ValkeySinkCluster(RuntimeContext.of(context), List.copyOf(contactPoints), direct, tls,
                (int) (long) config.connectTimeoutMs(), (int) (long) config.connectionCount(), failedRequests);
    }
}
