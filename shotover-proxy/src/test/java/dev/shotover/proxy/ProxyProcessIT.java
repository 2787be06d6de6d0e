package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.ProxyProcess;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.TestFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The operator's binary: the fat jar started as a process, used by a real client, stopped with SIGTERM. */
class ProxyProcessIT {

    @Test
    void fatJarServesTrafficAndShutsDownCleanlyOnSigterm() throws Exception {
        int proxyPort = FreePort.find();
        int metricsPort = FreePort.find();
        try (RedisServer redis = RedisServer.start()) {
            Path topology = TestFiles.writeTemp("topology.yaml", """
                    sources:
                      - Redis:
                          name: "valkey"
                          listen_addr: "127.0.0.1:%d"
                          chain:
                            - QueryCounter:
                                counter_name: "main"
                            - RedisSinkSingle:
                                remote_address: "127.0.0.1:%d"
                    """.formatted(proxyPort, redis.port()));
            Path config = TestFiles.writeTemp("config.yaml", """
                    main_log_level: "info, shotover=info"
                    observability_interface: "127.0.0.1:%d"
                    """.formatted(metricsPort));
            ProxyProcess proxy = ProxyProcess.start(topology, config);
            try (Jedis jedis = new Jedis("127.0.0.1", proxyPort)) {
                assertThat(jedis.set("from", "process")).isEqualTo("OK");
                assertThat(jedis.get("from")).isEqualTo("process");
            }
            String metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("shotover_query_count{name=\"main\",query=\"SET\",type=\"valkey\"} 1");

            assertThat(proxy.stop()).isEqualTo(0);
            assertThat(proxy.output()).anyMatch(line -> line.contains("received SIGTERM"));
            proxy.assertNoUnexpectedWarnOrError();
        }
    }

    @Test
    void jsonLogFormat() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Path topology = TestFiles.writeTemp("topology.yaml", Topologies.passthrough(redis.port()));
            Path config = TestFiles.writeTemp("config.yaml", "main_log_level: \"info\"\n");
            ProxyProcess proxy = ProxyProcess.start(topology, config, "--log-format", "json");
            String ready = proxy.waitForLine(ProxyProcess.READY_LINE, Duration.ofSeconds(5));
            assertThat(ready).startsWith("{").contains("\"level\":\"INFO\"")
                    .contains("\"message\":\"Shotover is now accepting inbound connections\"");
            assertThat(proxy.stop()).isEqualTo(0);
        }
    }
}
