package dev.shotover.transforms.tee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.SubChain;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.TransformFactory;
import dev.shotover.transforms.nullsink.NullSinkConfig;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** {@link TeeConfig} defaults and validation, what {@link TeeBuilder} builds, and the result-source HTTP API. */
class TeeBuilderTest {
    private static final List<TransformConfig> NULL_SINK = List.of(new NullSinkConfig(null));

    private final TestMetrics metrics = new TestMetrics();
    private final SubChainRecorder subChains = new SubChainRecorder("tee-1");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TeeConfig config(TeeBehavior behavior, Long timeoutMicros, Integer bufferSize, Integer port) {
        return new TeeConfig("tee-1", behavior, timeoutMicros, bufferSize, NULL_SINK, port);
    }

    @Test
    void defaultsAreShotovers() {
        TeeConfig config = new TeeConfig(null, null, null, null, NULL_SINK, null);

        assertThat(config.behavior()).isEqualTo(new TeeBehavior.Ignore());
        assertThat(config.bufferSize()).isEqualTo(5);
        assertThat(config.timeoutMicros()).isNull();
        assertThat(config.problems()).isEmpty();
        assertThat(new TeeBehavior.Ignore().compares()).isFalse();
        assertThat(new TeeBehavior.FailOnMismatch().compares()).isTrue();
    }

    @Test
    void badNumbersAreReportedAndStartNoHttpApi() throws Exception {
        TeeConfig config = config(null, 0L, 0, 70000);

        TeeBuilder builder = (TeeBuilder) config.builder(subChains);

        assertThat(builder.validate()).containsExactly(
                "buffer_size must be at least 1 but was 0",
                "timeout_micros must be at least 1 but was 0",
                "switch_port must be between 1 and 65535 but was 70000");
        assertThat(builder.httpApiPort()).isEqualTo(-1);
        builder.close();
    }

    @Test
    void subChainsAreNamedAfterTheTeeAndTheDropCounterIsLabelledTee() throws Exception {
        List<TransformConfig> mismatch = List.of(new NullSinkConfig("mismatch-sink"));
        TeeBuilder builder = (TeeBuilder) config(new TeeBehavior.SubchainOnMismatch(mismatch), null, null, null)
                .builder(subChains);

        assertThat(subChains.names).containsExactly("tee-1", "tee-1.mismatch");
        assertThat(subChains.chains).containsExactly(NULL_SINK, mismatch);
        assertThat(metrics.value(TeeConfig.DROPPED_METRIC, "chain", "Tee")).isZero();

        assertThat(builder.build(TestContexts.connection())).isInstanceOf(Tee.class);
        assertThat(subChains.built).isEqualTo(2);
        builder.close();
        assertThat(subChains.closed).containsExactly("tee-1", "tee-1.mismatch");
    }

    @Test
    void httpApiReadsAndSwitchesTheResultSourceForEveryConnection() throws Exception {
        int port = freePort();
        TeeBuilder builder = (TeeBuilder) config(null, null, null, port).builder(subChains);
        URI uri = URI.create("http://127.0.0.1:" + port + "/transform/tee/result-source");
        try {
            assertThat(builder.httpApiPort()).isEqualTo(port);
            assertThat(send("GET", uri, null)).isEqualTo("200 regular-chain");

            assertThat(send("PUT", uri, "tee-chain")).isEqualTo("200 ");
            assertThat(builder.resultSource().get()).isEqualTo(ResultSource.TEE_CHAIN);
            assertThat(send("GET", uri, null)).isEqualTo("200 tee-chain");

            assertThat(send("PUT", uri, "nonsense")).isEqualTo("400 expected regular-chain or tee-chain as the body\n");
            assertThat(builder.resultSource().get()).isEqualTo(ResultSource.TEE_CHAIN);
            assertThat(send("PUT", uri, "regular-chain\n")).as("a trailing newline, as from echo").isEqualTo("200 ");
            assertThat(builder.resultSource().get()).isEqualTo(ResultSource.REGULAR_CHAIN);

            assertThat(send("POST", uri, "tee-chain")).startsWith("405 ");
            assertThat(send("GET", URI.create("http://127.0.0.1:" + port + "/transform/tee/result-source/x"), null))
                    .startsWith("404 ");
            assertThat(send("GET", URI.create("http://127.0.0.1:" + port + "/"), null)).startsWith("404 ");
        } finally {
            builder.close();
        }
        assertThatThrownBy(() -> send("GET", uri, null)).isInstanceOf(ConnectException.class);
        assertThat(subChains.closed).containsExactly("tee-1");
    }

    @Test
    void aPortInUseFailsTheBuildNamingTheAddressAndClosesTheSubChains() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> config(null, null, null, port).builder(subChains))
                    .isInstanceOf(IOException.class)
                    .hasMessage("could not listen on 127.0.0.1:" + port + " for the Tee result-source HTTP API")
                    .hasCauseInstanceOf(java.net.BindException.class);
        }
        assertThat(subChains.closed).containsExactly("tee-1");
    }

    @Test
    void teeIsRegisteredForServiceLoader() {
        List<String> names = new ArrayList<>();
        for (TransformFactory factory : ServiceLoader.load(TransformFactory.class)) {
            if (factory.configType() == TeeConfig.class) {
                names.add(factory.typeName());
            }
        }
        assertThat(names).containsExactly("Tee");
    }

    private String send(String method, URI uri, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A build context whose sub-chains are recorded fakes. */
    private final class SubChainRecorder implements BuildContext {
        final String transformName;
        final List<String> names = new ArrayList<>();
        final List<List<TransformConfig>> chains = new ArrayList<>();
        final List<String> closed = new ArrayList<>();
        int built;

        SubChainRecorder(String transformName) {
            this.transformName = transformName;
        }

        @Override
        public String chainName() {
            return "valkey";
        }

        @Override
        public Protocol upChainProtocol() {
            return Protocol.VALKEY;
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
            return "Tee";
        }

        @Override
        public SubChainFactory subChain(String name, List<TransformConfig> chain) {
            names.add(name);
            chains.add(chain);
            return new SubChainFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public SubChain build(TransformContext context) {
                    built++;
                    return FakeSubChain.manual();
                }

                @Override
                public void close() {
                    closed.add(name);
                }
            };
        }
    }
}
