package dev.shotover.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each benchmark method called once outside JMH: they must measure what they claim (the right number of messages,
 * the full message), so that a codec change that breaks a benchmark fails the build instead of a later run.
 */
class BenchmarksWorkTest {
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void respBenchmarksFrameParseAndEncodeWholeMessages() {
        for (String message : List.of("GET", "SET_3B", "SET_1KB", "REPLY_BULK_1KB", "REPLY_ARRAY_10")) {
            RespCodecBenchmark benchmark = new RespCodecBenchmark();
            benchmark.message = message;
            benchmark.setUp();
            try {
                int length = RespCodecBenchmark.bytes(message).length;
                assertThat(benchmark.frame()).as(message).isEqualTo(RespCodecBenchmark.BATCH * length);
                assertThat(benchmark.frame()).as("the batch is reusable").isEqualTo(RespCodecBenchmark.BATCH * length);
                assertThat(benchmark.parse()).as(message).isNotNull();
                // canonical input encodes back to the same number of bytes
                assertThat(benchmark.encode()).as(message).isEqualTo(length);
                assertThat(benchmark.parseAndEncode()).as(message).isEqualTo(length);
                benchmark.decodeToMessages(BLACKHOLE);
            } finally {
                benchmark.tearDown();
            }
        }
    }

    @Test
    void kafkaBenchmarksDecodeAndEncodeTheWholeMessage() {
        KafkaCodecBenchmark benchmark = new KafkaCodecBenchmark();
        benchmark.records = 10;
        benchmark.setUp();
        try {
            ProduceRequestData produce = benchmark.decodeProduceRequest().body(ProduceRequestData.class);
            assertThat(produce.topicData().iterator().next().partitionData().get(0).records().sizeInBytes())
                    .isGreaterThan(10 * 100);
            FetchResponseData fetch = benchmark.decodeFetchResponse().body(FetchResponseData.class);
            assertThat(fetch.responses().get(0).partitions().get(0).records().sizeInBytes()).isGreaterThan(10 * 100);
            assertThat(benchmark.viewFetchResponse().correlationId()).isEqualTo(7);
            assertThat(benchmark.encodeProduceRequest()).isGreaterThan(10 * 100);
            assertThat(benchmark.encodeFetchResponse()).isGreaterThan(10 * 100);
            // twice: the backend side's request tracking must be left empty by each invocation
            benchmark.frameProduceRequests(BLACKHOLE);
            benchmark.frameFetchResponses(BLACKHOLE);
            benchmark.frameFetchResponses(BLACKHOLE);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void theChainAnswersEveryRequestOfTheBatch() {
        for (int passthroughs : new int[] {0, 5}) {
            ChainBenchmark benchmark = new ChainBenchmark();
            benchmark.passthroughs = passthroughs;
            benchmark.batch = 16;
            benchmark.setUp();
            List<Message> responses = benchmark.run();
            assertThat(responses).hasSize(16);
            assertThat(responses.get(3).requestId()).isNotNull();
            assertThat(benchmark.run()).hasSize(16);
        }
    }
}
