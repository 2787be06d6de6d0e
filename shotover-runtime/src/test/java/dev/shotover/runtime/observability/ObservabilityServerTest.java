package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ObservabilityServerTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private ObservabilityServer server;

    @BeforeEach
    void start() throws IOException {
        server = ObservabilityServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics);
    }

    @AfterEach
    void stop() {
        server.close();
        LogLevelControl.reset();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(server, path))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ObservabilityServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    @Test
    void boundToAnEphemeralPort() {
        assertThat(server.address().getPort()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void rootPointsToTheEndpoints() throws Exception {
        HttpResponse<String> response = send("GET", "/", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("try /filter or /metrics");
    }

    @Test
    void metricsServesTheScrape() throws Exception {
        metrics.counter("shotover_chain_total_count", "chain", "valkey").increment(3);

        HttpResponse<String> response = send("GET", "/metrics", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains(
                "# TYPE shotover_chain_total_count counter\nshotover_chain_total_count{chain=\"valkey\"} 3\n");
    }

    @Test
    void putFilterChangesLogLevels() throws Exception {
        Logger logger = LoggerFactory.getLogger("dev.shotover.runtime.sink.Example");
        send("PUT", "/filter", "info");
        assertThat(logger.isDebugEnabled()).isFalse();

        HttpResponse<String> response = send("PUT", "/filter", "info, shotover=debug");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Filter set");
        assertThat(logger.isDebugEnabled()).isTrue();

        assertThat(send("POST", "/filter", "warn").statusCode()).isEqualTo(200);
        assertThat(logger.isDebugEnabled()).isFalse();
        assertThat(logger.isInfoEnabled()).isFalse();
    }

    @Test
    void anInvalidFilterIsA400AndChangesNothing() throws Exception {
        send("PUT", "/filter", "info, shotover=debug");

        HttpResponse<String> response = send("PUT", "/filter", "info,shotover=loud");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("invalid filter directive: shotover=loud");
        assertThat(LoggerFactory.getLogger("dev.shotover.X").isDebugEnabled()).isTrue();
    }

    @Test
    void withoutLogbackFilterChangesAreA500() throws Exception {
        List<LogFilter> applied = new ArrayList<>();
        ObservabilityServer.FilterSink unavailable = new ObservabilityServer.FilterSink() {
            @Override
            public boolean available() {
                return false;
            }

            @Override
            public void apply(LogFilter filter) {
                applied.add(filter);
            }

            @Override
            public String unavailableMessage() {
                return "log level changes are unavailable: not Logback";
            }
        };
        server.close();
        server = ObservabilityServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics,
                unavailable);

        HttpResponse<String> response = send("PUT", "/filter", "debug");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("log level changes are unavailable: not Logback");
        assertThat(applied).isEmpty();
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        assertThat(send("GET", "/nope", null).statusCode()).isEqualTo(404);
        HttpResponse<String> getFilter = send("GET", "/filter", null);
        assertThat(getFilter.statusCode()).isEqualTo(405);
        assertThat(getFilter.headers().firstValue("Allow")).hasValue("PUT, POST");
        assertThat(send("DELETE", "/metrics", null).statusCode()).isEqualTo(405);
        assertThat(send("POST", "/", "x").statusCode()).isEqualTo(405);
        HttpResponse<String> head = send("HEAD", "/metrics", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void closeStopsWithinASecondAndReleasesThePort() throws Exception {
        assertThat(send("GET", "/", null).statusCode()).isEqualTo(200);
        int port = server.address().getPort();

        long start = System.nanoTime();
        server.close();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMillis).isLessThan(1000);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
        server.close(); // idempotent
    }

    @Test
    void requestsAreServedOnADaemonThread() throws Exception {
        List<Thread> servingThreads = new ArrayList<>();
        ObservabilityServer.FilterSink recording = new ObservabilityServer.FilterSink() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public void apply(LogFilter filter) {
                servingThreads.add(Thread.currentThread());
            }

            @Override
            public String unavailableMessage() {
                return "unused";
            }
        };
        server.close();
        server = ObservabilityServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics,
                recording);

        assertThat(send("PUT", "/filter", "info").statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/filter", "debug").statusCode()).isEqualTo(200);

        assertThat(servingThreads).hasSize(2).allMatch(Thread::isDaemon);
        assertThat(servingThreads.get(0)).isSameAs(servingThreads.get(1));
    }

    @Test
    void bindingABusyPortNamesTheAddress() {
        assertThatThrownBy(() -> ObservabilityServer.start(server.address(), metrics))
                .isInstanceOf(IOException.class).hasMessageContaining("Failed to bind to");
    }
}
