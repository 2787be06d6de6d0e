package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Metrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

    private final MockClock clock = new MockClock();
    private final ProxyMetrics metrics = new ProxyMetrics(clock);

    private List<String> lines() {
        return Arrays.asList(metrics.scrape().split("\n"));
    }

    @Test
    void countersAreRenderedUnderTheirExactNameWithoutTotalSuffix() {
        Metrics.Counter chain = metrics.counter("shotover_chain_total_count", "chain", "valkey");
        chain.increment();
        chain.increment(2);
        metrics.counter("connections_opened", "source", "valkey").increment();

        assertThat(chain.count()).isEqualTo(3.0);
        assertThat(metrics.scrape()).isEqualTo(""
                + "# TYPE connections_opened counter\n"
                + "connections_opened{source=\"valkey\"} 1\n"
                + "# TYPE shotover_chain_total_count counter\n"
                + "shotover_chain_total_count{chain=\"valkey\"} 3\n");
    }

    @Test
    void aCounterLookedUpTwiceIsTheSameSeries() {
        metrics.counter("shotover_failed_requests_count", "chain", "main", "transform", "ValkeySinkSingle").increment();
        metrics.counter("shotover_failed_requests_count", "transform", "ValkeySinkSingle", "chain", "main").increment();

        assertThat(lines()).containsExactly(
                "# TYPE shotover_failed_requests_count counter",
                "shotover_failed_requests_count{chain=\"main\",transform=\"ValkeySinkSingle\"} 2");
    }

    @Test
    void unusedCountersAreRenderedAtZero() {
        metrics.counter("shotover_transform_failures_count", "transform", "NullSink");

        assertThat(lines()).contains("shotover_transform_failures_count{transform=\"NullSink\"} 0");
    }

    @Test
    void gaugesAreReadOnEveryScrapeAndCanBeReplacedAndRemoved() {
        AtomicInteger available = new AtomicInteger(512);
        metrics.gauge("shotover_available_connections_count", available::get, "source", "valkey");

        assertThat(lines()).containsExactly(
                "# TYPE shotover_available_connections_count gauge",
                "shotover_available_connections_count{source=\"valkey\"} 512");
        available.set(511);
        assertThat(lines()).contains("shotover_available_connections_count{source=\"valkey\"} 511");

        metrics.gauge("shotover_available_connections_count", () -> 7, "source", "valkey");
        assertThat(lines()).containsExactly(
                "# TYPE shotover_available_connections_count gauge",
                "shotover_available_connections_count{source=\"valkey\"} 7");

        metrics.removeGauge("shotover_available_connections_count", "source", "valkey");
        assertThat(metrics.scrape()).isEmpty();
    }

    @Test
    void aGaugeThatThrowsIsRenderedAsNaN() {
        metrics.gauge("shotover_peers_inaccessible_count", () -> {
            throw new IllegalStateException("boom");
        }, "chain", "kafka", "transform", "KafkaSinkCluster");

        assertThat(lines()).contains(
                "shotover_peers_inaccessible_count{chain=\"kafka\",transform=\"KafkaSinkCluster\"} NaN");
    }

    @Test
    void timersAreSummariesInSecondsWithShotoversQuantiles() {
        Timer timer = metrics.timer("shotover_chain_latency_seconds", "chain", "valkey", "client_details", "127.0.0.1");
        timer.record(Duration.ofMillis(2));
        timer.record(Duration.ofMillis(4));

        String labels = "chain=\"valkey\",client_details=\"127.0.0.1\"";
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("# TYPE shotover_chain_latency_seconds summary");
        assertThat(lines.subList(1, 9)).extracting(line -> line.substring(0, line.lastIndexOf(' '))).containsExactly(
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.1\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.5\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.9\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.95\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.99\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"0.999\"}",
                "shotover_chain_latency_seconds{" + labels + ",quantile=\"1\"}");
        assertThat(value(lines.get(1))).isEqualTo(0.002);
        assertThat(value(lines.get(3))).isCloseTo(0.002, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(value(lines.get(4))).isCloseTo(0.004, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(value(lines.get(8))).isEqualTo(0.004);
        assertThat(lines.subList(9, 11)).containsExactly(
                "shotover_chain_latency_seconds_sum{" + labels + "} 0.006",
                "shotover_chain_latency_seconds_count{" + labels + "} 2");
        assertThat(lines).hasSize(11);
    }

    @Test
    void summariesRenderBatchSizes() {
        DistributionSummary sizes = metrics.summary("shotover_chain_requests_batch_size", "chain", "valkey");
        for (int i = 1; i <= 100; i++) {
            sizes.record(i);
        }

        List<String> lines = lines();
        assertThat(lines).contains(
                "# TYPE shotover_chain_requests_batch_size summary",
                "shotover_chain_requests_batch_size{chain=\"valkey\",quantile=\"0\"} 1",
                "shotover_chain_requests_batch_size{chain=\"valkey\",quantile=\"1\"} 100",
                "shotover_chain_requests_batch_size_sum{chain=\"valkey\"} 5050",
                "shotover_chain_requests_batch_size_count{chain=\"valkey\"} 100");
        String median = lines.stream().filter(l -> l.contains("quantile=\"0.5\"")).findFirst().orElseThrow();
        assertThat(value(median)).isCloseTo(50, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void anIdleSummaryShowsZeroQuantilesAndItsCumulativeCount() {
        DistributionSummary sizes = metrics.summary("shotover_chain_responses_batch_size", "chain", "valkey");
        sizes.record(3);
        clock.add(Duration.ofSeconds(61));

        assertThat(lines()).contains(
                "shotover_chain_responses_batch_size{chain=\"valkey\",quantile=\"0.5\"} 0",
                "shotover_chain_responses_batch_size{chain=\"valkey\",quantile=\"1\"} 0",
                "shotover_chain_responses_batch_size_sum{chain=\"valkey\"} 3",
                "shotover_chain_responses_batch_size_count{chain=\"valkey\"} 1");
    }

    @Test
    void everyShotoverCoreMetricRendersUnderItsName() {
        metrics.counter("shotover_transform_total_count", "transform", "NullSink").increment();
        metrics.counter("shotover_transform_failures_count", "transform", "NullSink").increment();
        metrics.timer("shotover_transform_latency_seconds", "transform", "NullSink").record(1, TimeUnit.MILLISECONDS);
        metrics.counter("shotover_chain_total_count", "chain", "c").increment();
        metrics.counter("shotover_chain_failures_count", "chain", "c").increment();
        metrics.timer("shotover_chain_latency_seconds", "chain", "c", "client_details", "10.0.0.1")
                .record(1, TimeUnit.MILLISECONDS);
        metrics.summary("shotover_chain_requests_batch_size", "chain", "c").record(1);
        metrics.summary("shotover_chain_responses_batch_size", "chain", "c").record(1);
        metrics.gauge("shotover_available_connections_count", () -> 1, "source", "s");
        metrics.counter("connections_opened", "source", "s").increment();
        metrics.counter("shotover_connections_accept_failures_count", "source", "s").increment();
        metrics.counter("shotover_listener_create_failures_count", "source", "s").increment();
        metrics.timer("shotover_source_to_sink_latency_seconds", "sink", "k").record(1, TimeUnit.MILLISECONDS);
        metrics.timer("shotover_sink_to_source_latency_seconds", "source", "s").record(1, TimeUnit.MILLISECONDS);
        metrics.counter("shotover_failed_requests_count", "chain", "c", "transform", "ValkeySinkSingle").increment();
        metrics.counter("shotover_query_count", "name", "q", "query", "GET", "type", "valkey").increment();

        List<String> types = lines().stream().filter(l -> l.startsWith("# TYPE")).collect(Collectors.toList());
        assertThat(types).containsExactly(
                "# TYPE connections_opened counter",
                "# TYPE shotover_available_connections_count gauge",
                "# TYPE shotover_chain_failures_count counter",
                "# TYPE shotover_chain_latency_seconds summary",
                "# TYPE shotover_chain_requests_batch_size summary",
                "# TYPE shotover_chain_responses_batch_size summary",
                "# TYPE shotover_chain_total_count counter",
                "# TYPE shotover_connections_accept_failures_count counter",
                "# TYPE shotover_failed_requests_count counter",
                "# TYPE shotover_listener_create_failures_count counter",
                "# TYPE shotover_query_count counter",
                "# TYPE shotover_sink_to_source_latency_seconds summary",
                "# TYPE shotover_source_to_sink_latency_seconds summary",
                "# TYPE shotover_transform_failures_count counter",
                "# TYPE shotover_transform_latency_seconds summary",
                "# TYPE shotover_transform_total_count counter");
        assertThat(lines()).contains(
                "shotover_query_count{name=\"q\",query=\"GET\",type=\"valkey\"} 1",
                "shotover_transform_latency_seconds{transform=\"NullSink\",quantile=\"1\"} 0.001",
                "shotover_source_to_sink_latency_seconds_count{sink=\"k\"} 1",
                "shotover_sink_to_source_latency_seconds_sum{source=\"s\"} 0.001");
    }

    @Test
    void seriesAreSortedByNameThenLabelsWhateverTheRegistrationOrder() {
        metrics.counter("b_count", "x", "2").increment();
        metrics.counter("a_count").increment();
        metrics.counter("b_count", "x", "1").increment();

        assertThat(metrics.scrape()).isEqualTo(""
                + "# TYPE a_count counter\n"
                + "a_count 1\n"
                + "# TYPE b_count counter\n"
                + "b_count{x=\"1\"} 1\n"
                + "b_count{x=\"2\"} 1\n");
    }

    @Test
    void labelValuesAreEscaped() {
        metrics.counter("shotover_query_count", "name", "q", "query", "SET \"k\" C:\\dir\nnext", "type", "valkey")
                .increment();

        assertThat(lines()).contains(
                "shotover_query_count{name=\"q\",query=\"SET \\\"k\\\" C:\\\\dir\\nnext\",type=\"valkey\"} 1");
    }

    @Test
    void invalidNamesAndLabelsAreRejected() {
        assertThatThrownBy(() -> metrics.counter("shotover.chain.total"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shotover.chain.total");
        assertThatThrownBy(() -> metrics.counter("ok_name", "chain"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pairs");
        assertThatThrownBy(() -> metrics.counter("ok_name", "bad-label", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-label");
        assertThatThrownBy(() -> metrics.timer("ok_seconds", "quantile", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantile");
    }

    @Test
    void twoInstancesDoNotShareState() {
        ProxyMetrics other = new ProxyMetrics(clock);
        metrics.counter("connections_opened", "source", "valkey").increment(5);
        other.counter("connections_opened", "source", "valkey").increment();
        other.gauge("shotover_available_connections_count", () -> 3, "source", "valkey");

        assertThat(metrics.scrape()).isEqualTo(
                "# TYPE connections_opened counter\nconnections_opened{source=\"valkey\"} 5\n");
        assertThat(other.scrape()).contains("connections_opened{source=\"valkey\"} 1",
                "shotover_available_connections_count{source=\"valkey\"} 3");
        assertThat(metrics.registry()).isNotSameAs(other.registry());
        assertThat(metrics.registry()).isNotSameAs(io.micrometer.core.instrument.Metrics.globalRegistry);
    }

    @Test
    void metersRegisteredDirectlyOnTheRegistryAreRenderedWithSanitizedNames() {
        io.micrometer.core.instrument.Counter.builder("jvm.gc.pause.count").tag("gc.name", "G1")
                .register(metrics.registry()).increment();
        Timer.builder("http.requests").publishPercentileHistogram().register(metrics.registry())
                .record(Duration.ofMillis(5));

        assertThat(lines()).contains(
                "# TYPE jvm_gc_pause_count counter",
                "jvm_gc_pause_count{gc_name=\"G1\"} 1",
                "# TYPE http_requests summary",
                "http_requests{quantile=\"0.5\"} 0.005",
                "http_requests_count 1");
    }

    @Test
    void numbersAreFormattedLikeShotover() {
        assertThat(PrometheusText.formatNumber(3.0)).isEqualTo("3");
        assertThat(PrometheusText.formatNumber(0.0)).isEqualTo("0");
        assertThat(PrometheusText.formatNumber(-2.0)).isEqualTo("-2");
        assertThat(PrometheusText.formatNumber(0.5)).isEqualTo("0.5");
        assertThat(PrometheusText.formatNumber(0.000123)).isEqualTo("0.000123");
        assertThat(PrometheusText.formatNumber(1e-9)).isEqualTo("0.000000001");
        assertThat(PrometheusText.formatNumber(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.formatNumber(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.formatNumber(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(Double.parseDouble(PrometheusText.formatNumber(1e300))).isEqualTo(1e300);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
