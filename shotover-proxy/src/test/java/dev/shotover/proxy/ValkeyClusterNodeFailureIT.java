package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A primary of a real 6-node cluster is killed under a live proxy connection: while its replica takes over the
 * client sees only transient errors (never a wrong answer, never a closed connection), and afterwards every key works
 * on the same connection, without restarting the proxy.
 */
class ValkeyClusterNodeFailureIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisCluster cluster;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        proxy = ShotoverProxy.builder()
                .topologyYaml(ValkeyClusterHidingIT.topology(cluster.contactPoints(), "")).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void killingAPrimaryCausesOnlyTransientErrorsUntilTheReplicaTakesOver() throws Exception {
        InetSocketAddress address = proxy.address("valkey");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
            for (int i = 0; i < 300; i++) {
                assertThat(jedis.set("k" + i, "v" + i)).isEqualTo("OK");
            }
            // let the replicas catch up before the kill, so no acknowledged write can be lost
            Thread.sleep(300);
            int victim = cluster.primaryPorts().get(0);
            long killed = System.nanoTime();
            cluster.stopNode(victim);

            List<String> transientErrors = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            boolean allGood = false;
            while (!allGood && System.nanoTime() < deadline) {
                allGood = true;
                for (int i = 0; i < 300; i++) {
                    try {
                        // a value is either right or an error: never a wrong answer
                        assertThat(jedis.get("k" + i)).isEqualTo("v" + i);
                    } catch (JedisDataException e) {
                        transientErrors.add(e.getMessage());
                        allGood = false;
                    }
                }
                if (!allGood) {
                    Thread.sleep(100);
                }
            }
            System.out.printf("all keys readable again %d ms after the kill; %d transient errors, e.g. %s%n",
                    (System.nanoTime() - killed) / 1_000_000, transientErrors.size(),
                    transientErrors.isEmpty() ? "none" : transientErrors.get(0));
            assertThat(allGood).as("every key readable again; errors: %s", transientErrors).isTrue();
            assertThat(transientErrors).allMatch(e -> e.startsWith("ERR Shotover ValkeySinkCluster")
                    || e.startsWith("CLUSTERDOWN"));
            for (int i = 0; i < 300; i++) {
                assertThat(jedis.set("k" + i, "w" + i)).isEqualTo("OK");
            }
            assertThat(jedis.dbSize()).isEqualTo(300);
            assertThat(jedis.mget("k0", "k150", "k299")).containsExactly("w0", "w150", "w299");
        }
    }
}
