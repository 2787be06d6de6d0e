package dev.shotover.examples.embedded;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.ShotoverProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A JVM application that embeds the proxy: it starts a Valkey proxy in front of a Redis server with the builder API,
 * with its own {@code KeyPrefix} transform registered in code (no {@code META-INF/services}, no jar next to a
 * proxy binary), and runs until the JVM is asked to stop.
 *
 * <pre>
 * java -cp ... dev.shotover.examples.embedded.EmbeddedProxyApp [listen-address] [redis-address] [prefix]
 *   defaults: 127.0.0.1:6380 127.0.0.1:6379 tenant1:
 * </pre>
 *
 * It prints {@code listening on <address>} once the proxy accepts connections.
 */
public final class EmbeddedProxyApp {

    /** Registers {@link KeyPrefixConfig} under the YAML name {@code KeyPrefix}; only this application knows it. */
    static final class KeyPrefixFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "KeyPrefix";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return KeyPrefixConfig.class;
        }
    }

    private EmbeddedProxyApp() {
    }

    /**
     * Builds and starts the proxy: one Valkey source on {@code listenAddress} (port 0 picks a free port), a
     * {@code KeyPrefix} with {@code prefix}, and a sink to {@code redisAddress}. The caller closes it.
     *
     * @throws dev.shotover.runtime.chain.TopologyException if the prefix is empty (the transform's validation)
     */
    public static ShotoverProxy start(String listenAddress, String redisAddress, String prefix) {
        String topology = """
                sources:
                  - Valkey:
                      name: "app"
                      listen_addr: "%s"
                      chain:
                        - KeyPrefix:
                            prefix: "%s"
                        - ValkeySinkSingle:
                            remote_address: "%s"
                            connect_timeout_ms: 3000
                """.formatted(listenAddress, prefix.replace("\\", "\\\\").replace("\"", "\\\""), redisAddress);
        return ShotoverProxy.builder()
                .topologyYaml(topology)
                .registerTransform(new KeyPrefixFactory())
                .coreThreads(2)
                .drainTimeout(Duration.ofSeconds(10))
                .start();
    }

    public static void main(String[] args) throws InterruptedException {
        String listen = args.length > 0 ? args[0] : "127.0.0.1:6380";
        String redis = args.length > 1 ? args[1] : "127.0.0.1:6379";
        String prefix = args.length > 2 ? args[2] : "tenant1:";

        ShotoverProxy proxy = start(listen, redis, prefix);
        InetSocketAddress address = proxy.address("app");
        System.out.println("listening on " + address.getHostString() + ":" + address.getPort()
                + ", forwarding to " + redis + " with keys prefixed by '" + prefix + "'");

        // SIGTERM / Ctrl-C: drain the connections, then let main return.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            System.out.println("stopped");
            stopped.countDown();
        }, "embedded-proxy-shutdown"));
        stopped.await();
    }
}
