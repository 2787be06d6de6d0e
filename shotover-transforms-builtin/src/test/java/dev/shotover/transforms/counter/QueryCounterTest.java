package dev.shotover.transforms.counter;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Query;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryCounterTest {
    private static final String METRIC = "shotover_query_count";

    private final TestMetrics metrics = new TestMetrics();

    private Transform counter(QueryCounterConfig config) throws Exception {
        TransformBuilder builder = config.builder(TestContexts.build("QueryCounter", metrics));
        assertThat(builder.validate()).isEmpty();
        return builder.build(TestContexts.connection());
    }

    private Long count(String name, String query, String type) {
        return metrics.value(METRIC, "name", name, "query", query, "type", type);
    }

    @Test
    void preRegistersTheBareCounterAtZero() throws Exception {
        counter(new QueryCounterConfig(null, "valkey-chain"));

        assertThat(metrics.snapshot()).containsExactly(java.util.Map.entry("shotover_query_count{name=valkey-chain}", 0L));
    }

    @Test
    void countsValkeyCommandsByUpperCasedNameAndPassesTheBatchDown() throws Exception {
        Transform transform = counter(new QueryCounterConfig(null, "valkey-chain"));
        FakeDownChain down = FakeDownChain.echo();
        Message rawGet = raw(resp("get", "k"));
        try {
            List<Message> requests = batch(command("SET", "k", "1"), rawGet, command("set", "k", "2"));
            List<Message> responses = transform.transform(down.state(requests)).toCompletableFuture().join();

            assertThat(count("valkey-chain", "SET", "valkey")).isEqualTo(2);
            assertThat(count("valkey-chain", "GET", "valkey")).isEqualTo(1);
            assertThat(down.calls()).containsExactly(List.copyOf(requests));
            assertThat(responses).extracting(Message::requestId).containsExactly(
                    requests.get(0).id(), rawGet.id(), requests.get(2).id());
            // Counting parses but does not modify: the request is still written as its original bytes.
            assertThat(rawGet.rawBytes()).isNotNull();
        } finally {
            rawGet.release();
        }
    }

    @Test
    void unparseableIsUnknownNoneAndNonCommandValkeyIsUnknownValkey() throws Exception {
        Transform transform = counter(new QueryCounterConfig(null, "c"));
        Message garbage = raw("?garbage\r\n");
        try {
            FakeDownChain down = new FakeDownChain(requests -> List.of());
            transform.transform(down.state(batch(garbage, Message.fromFrame(ValkeyFrame.bulk("PING")))))
                    .toCompletableFuture().join();

            assertThat(count("c", "unknown", "none")).isEqualTo(1);
            assertThat(count("c", "unknown", "valkey")).isEqualTo(1);
        } finally {
            garbage.release();
        }
    }

    @Test
    void kafkaIsCountedWithoutParsing() throws Exception {
        Transform transform = counter(new QueryCounterConfig(null, "c"));
        // a Kafka request with an api key no Kafka version has (999): its name is unknown (see QueryCounterKafkaTest)
        Message kafka = Message.fromRaw(Protocol.KAFKA, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 8, 3, (byte) 0xe7,
                0, 0, 0, 0, 0, 1}),
                raw -> {
                    throw new AssertionError("QueryCounter must not parse Kafka messages");
                }, 0L);
        try {
            transform.transform(new FakeDownChain(requests -> List.of()).state(batch(kafka, kafka)))
                    .toCompletableFuture().join();

            assertThat(count("c", "unknown", "kafka")).isEqualTo(2);
        } finally {
            kafka.release();
        }
    }

    @Test
    void cassandraCountsEveryStatementByKindAndOtherRequestsByOpcode() throws Exception {
        Transform transform = counter(new QueryCounterConfig(null, "c"));
        Message select = cql(new Query("SELECT * FROM ks.t WHERE k = 1"));
        Message batch = cql(new Batch(ProtocolConstants.BatchType.LOGGED,
                List.of("INSERT INTO ks.t (k) VALUES (1)", new byte[] {1, 2}, "DELETE FROM ks.t WHERE k = 2"),
                List.of(List.of(), List.of(), List.of()), ProtocolConstants.ConsistencyLevel.ONE,
                ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE, null, Integer.MIN_VALUE));
        Message options = cql(Options.INSTANCE);

        transform.transform(new FakeDownChain(requests -> List.of()).state(batch(select, batch, options)))
                .toCompletableFuture().join();

        assertThat(count("c", "SELECT", "cassandra")).isEqualTo(1);
        assertThat(count("c", "INSERT", "cassandra")).isEqualTo(1);
        assertThat(count("c", "DELETE", "cassandra")).isEqualTo(1);
        assertThat(count("c", "EXECUTE", "cassandra")).isEqualTo(1);
        assertThat(count("c", "OPTIONS", "cassandra")).isEqualTo(1);
    }

    private static Message cql(com.datastax.oss.protocol.internal.Message body) {
        return Message.fromFrame(CassandraFrame.of(Frame.forRequest(4, 1, false, Frame.NO_PAYLOAD, body)));
    }

    @Test
    void emptyBatchIsPassedDownAndCountsNothing() throws Exception {
        Transform transform = counter(new QueryCounterConfig(null, "c"));
        FakeDownChain down = FakeDownChain.echo();

        assertThat(transform.transform(down.state(batch())).toCompletableFuture().join()).isEmpty();

        assertThat(down.calls()).containsExactly(List.of());
        assertThat(metrics.keys()).containsExactly("shotover_query_count{name=c}");
    }

    @Test
    void countersAreLookedUpOncePerQueryAndSharedAcrossConnections() throws Exception {
        TransformBuilder builder = new QueryCounterConfig(null, "c").builder(TestContexts.build("QueryCounter", metrics));
        Transform first = builder.build(TestContexts.connection());
        Transform second = builder.build(TestContexts.connection());
        for (int i = 0; i < 50; i++) {
            first.transform(FakeDownChain.echo().state(batch(command("GET", "a"), command("SET", "a", "b"))));
            second.transform(FakeDownChain.echo().state(batch(command("GET", "b"))));
        }

        assertThat(count("c", "GET", "valkey")).isEqualTo(100);
        assertThat(count("c", "SET", "valkey")).isEqualTo(50);
        // One lookup for the bare counter at build time, then one per distinct (query, type).
        assertThat(metrics.lookups()).isEqualTo(3);
    }

    @Test
    void cacheIsBoundedButCountingContinuesBeyondIt() {
        QueryCounters counters = new QueryCounters(metrics, "c");
        int distinct = QueryCounters.MAX_CACHED + 10;
        for (int i = 0; i < distinct; i++) {
            counters.increment("CMD" + i, "valkey");
            counters.increment("CMD" + i, "valkey");
        }

        assertThat(counters.cachedCount()).isEqualTo(QueryCounters.MAX_CACHED);
        assertThat(count("c", "CMD" + (distinct - 1), "valkey")).isEqualTo(2);
        assertThat(count("c", "CMD0", "valkey")).isEqualTo(2);
    }

    @Test
    void counterNameFallsBackToNameAsInOlderDocs() throws Exception {
        Transform transform = counter(new QueryCounterConfig("DR chain", null));
        transform.transform(FakeDownChain.echo().state(batch(command("GET", "a")))).toCompletableFuture().join();

        assertThat(count("DR chain", "GET", "valkey")).isEqualTo(1);
        assertThat(new QueryCounterConfig("occurrence", "counter").effectiveCounterName()).isEqualTo("counter");
    }

    @Test
    void missingCounterNameIsAValidationError() throws Exception {
        TransformBuilder builder = new QueryCounterConfig(null, null).builder(TestContexts.build("QueryCounter", metrics));

        assertThat(builder.validate()).containsExactly(
                "QueryCounter requires counter_name (older configurations gave the counter's name as name)");
        assertThat(metrics.keys()).isEmpty();
    }

    @Test
    void isNotTerminating() {
        assertThat(new QueryCounterConfig(null, "c").downChainProtocol().isTerminating()).isFalse();
        assertThat(new QueryCounterFactory().typeName()).isEqualTo("QueryCounter");
        assertThat(new QueryCounterFactory().configType()).isEqualTo(QueryCounterConfig.class);
    }
}
