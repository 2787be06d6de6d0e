package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.config.ProxySettings;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** {@code GET /metrics} after traffic, and {@code PUT /filter} changing what is logged. */
class ObservabilityIT {
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsAndLogFilter() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml("""
                     sources:
                       - Valkey:
                           name: "valkey"
                           listen_addr: "127.0.0.1:0"
                           chain:
                             - QueryCounter:
                                 name: "counter"
                                 counter_name: "valkey-chain"
                             - DebugPrinter
                             - ValkeySinkSingle:
                                 name: "valkey-sink"
                                 remote_address: "127.0.0.1:%d"
                     """.formatted(redis.port()))
                     .settings(new ProxySettings("info", "127.0.0.1:0"))
                     .start()) {
            InetSocketAddress address = proxy.address("valkey");
            URI base = URI.create("http://127.0.0.1:" + proxy.observabilityAddress().getPort());
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                jedis.set("a", "1");
                jedis.set("b", "2");
                jedis.get("a");
                jedis.sendCommand(() -> "NOSUCHCOMMAND".getBytes(), "x");
            } catch (redis.clients.jedis.exceptions.JedisDataException expected) {
                // the unknown command's error reply is what the failed-requests metric counts
            }

            String metrics = get(base.resolve("/metrics"));
            assertThat(metrics)
                    .contains("shotover_query_count{name=\"valkey-chain\",query=\"SET\",type=\"valkey\"} 2")
                    .contains("shotover_query_count{name=\"valkey-chain\",query=\"GET\",type=\"valkey\"} 1")
                    .contains("shotover_failed_requests_count{chain=\"valkey\",transform=\"ValkeySinkSingle\"} 1")
                    .contains("connections_opened{source=\"valkey\"} 1")
                    .contains("shotover_chain_total_count{chain=\"valkey\"}")
                    .contains("shotover_chain_latency_seconds_count{chain=\"valkey\",client_details=\"127.0.0.1\"}")
                    .contains("shotover_transform_total_count{transform=\"ValkeySinkSingle\"}")
                    .contains("shotover_transform_latency_seconds{transform=\"QueryCounter\",quantile=\"0.99\"}")
                    .contains("shotover_chain_requests_batch_size_count{chain=\"valkey\"}")
                    .contains("shotover_sink_to_source_latency_seconds_count{source=\"valkey\"}")
                    .contains("shotover_available_connections_count{source=\"valkey\"}")
                    .doesNotContain("_total{");

            // DebugPrinter logs each request at INFO; a filter at warn silences it, info brings it back
            logs.awaitMessage("Request: ", java.time.Duration.ofSeconds(5));
            assertThat(put(base.resolve("/filter"), "warn, shotover=warn")).isEqualTo(200);
            logs.clear();
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                jedis.set("quiet", "1");
            }
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("Request: "));
            assertThat(put(base.resolve("/filter"), "info, shotover=info")).isEqualTo(200);
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort())) {
                jedis.set("loud", "1");
            }
            logs.awaitMessage("Request: ", java.time.Duration.ofSeconds(5));

            assertThat(put(base.resolve("/filter"), "bad=blah")).isEqualTo(400);
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private int put(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
