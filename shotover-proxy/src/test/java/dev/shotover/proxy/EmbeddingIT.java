package dev.shotover.proxy;

import static dev.shotover.proxy.RawRespClient.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.config.TopologyConfig;
import dev.shotover.runtime.config.ValkeySourceConfig;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.transforms.counter.QueryCounterConfig;
import dev.shotover.transforms.valkey.ValkeySinkSingleConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The embedding API: topologies built from Java objects, several proxies per JVM, and close() that drains. */
class EmbeddingIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
        logs.assertNoUnexpectedWarnOrError();
    }

    private static TopologyConfig topology(String counterName) {
        return new TopologyConfig(List.of(new ValkeySourceConfig("valkey", "127.0.0.1:0", null, null, null, null,
                List.of(new QueryCounterConfig("counter", counterName),
                        new ValkeySinkSingleConfig("sink", "127.0.0.1:" + redis.port(), null, null, null)))));
    }

    @Test
    void twoProxiesFromJavaObjectsRunSideBySideWithTheirOwnMetrics() {
        try (ShotoverProxy first = ShotoverProxy.builder().topology(topology("first")).start();
             ShotoverProxy second = ShotoverProxy.builder().topology(topology("second")).start()) {
            assertThat(first.address("valkey").getPort()).isNotZero().isNotEqualTo(second.address("valkey").getPort());
            try (Jedis a = new Jedis(first.address("valkey").getHostString(), first.address("valkey").getPort());
                 Jedis b = new Jedis(second.address("valkey").getHostString(), second.address("valkey").getPort())) {
                a.set("shared", "from-first");
                assertThat(b.get("shared")).isEqualTo("from-first");
                b.get("shared");
            }
            assertThat(first.metrics().scrape())
                    .contains("shotover_query_count{name=\"first\",query=\"SET\",type=\"valkey\"} 1")
                    .doesNotContain("name=\"second\"");
            assertThat(second.metrics().scrape())
                    .contains("shotover_query_count{name=\"second\",query=\"GET\",type=\"valkey\"} 2")
                    .doesNotContain("name=\"first\"");
        }
    }

    @Test
    void closeAnswersInFlightRequestsBeforeClosingConnections() throws Exception {
        ShotoverProxy proxy = ShotoverProxy.builder().topology(topology("drain")).start();
        try (RawRespClient client = new RawRespClient(proxy.address("valkey"))) {
            // BLPOP waits one second on the server: the request is in flight when close() starts
            client.send(command("BLPOP", "nothing-here", "1"));
            Thread.sleep(200);
            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            byte[] reply = client.readReply();
            assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("*-1\r\n");
            assertThat(client.isClosedByPeer()).isTrue();
            closing.get();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
