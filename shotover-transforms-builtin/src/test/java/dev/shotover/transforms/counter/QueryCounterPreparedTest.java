package dev.shotover.transforms.counter;

import static dev.shotover.transforms.support.CqlTestMessages.body;
import static dev.shotover.transforms.support.CqlTestMessages.preparedId;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.Void;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.transforms.support.CqlTestMessages;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** QueryCounter on CQL prepared statements: an EXECUTE counts as the kind of the statement it runs. */
class QueryCounterPreparedTest {
    private static final String METRIC = "shotover_query_count";
    private static final String SELECT = "SELECT v FROM ks.kv WHERE k = ?";
    private static final String INSERT = "INSERT INTO ks.kv (k, v) VALUES (?, ?)";

    private final TestMetrics metrics = new TestMetrics();
    private final CqlTestMessages cql = new CqlTestMessages(4);
    private final FakeDownChain node = new FakeDownChain(cql::node);

    @AfterEach
    void release() {
        cql.close();
    }

    private TransformBuilder builder() {
        TransformBuilder builder = new QueryCounterConfig(null, "c").builder(TestContexts.build("QueryCounter", metrics));
        assertThat(builder.validate()).isEmpty();
        return builder;
    }

    private List<Message> run(Transform transform, Message... requests) {
        return transform.transform(node.state(new ArrayList<>(List.of(requests)))).toCompletableFuture().join();
    }

    private long count(String query) {
        Long value = metrics.value(METRIC, "name", "c", "query", query, "type", "cassandra");
        return value == null ? 0 : value;
    }

    private static Message batchOf(CqlTestMessages cql, Object... children) {
        List<List<java.nio.ByteBuffer>> values = new ArrayList<>();
        for (Object ignored : children) {
            values.add(List.of());
        }
        return cql.request(new Batch(ProtocolConstants.BatchType.LOGGED, List.of(children), values,
                ProtocolConstants.ConsistencyLevel.ONE, ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE,
                null, Integer.MIN_VALUE));
    }

    @Test
    void executeCountsTheKindOfThePreparedStatementOnceItsPrepareWasAnswered() throws Exception {
        Transform counter = builder().build(TestContexts.connection());
        Message unknown = cql.execute(preparedId(null, INSERT));
        run(counter, unknown);
        assertThat(count("EXECUTE")).as("an id the counter has not seen prepared").isEqualTo(1);

        List<Message> prepared = run(counter, cql.prepare(INSERT), cql.prepare(SELECT));
        assertThat(count("PREPARE")).isEqualTo(2);
        assertThat(prepared).allSatisfy(r -> assertThat(body(r)).isInstanceOf(Prepared.class));

        Message insert = cql.execute(preparedId(null, INSERT));
        Message select = cql.execute(preparedId(null, SELECT));
        List<Message> responses = run(counter, insert, select, cql.execute(preparedId(null, INSERT)));

        assertThat(count("INSERT")).isEqualTo(2);
        assertThat(count("SELECT")).isEqualTo(1);
        assertThat(count("EXECUTE")).isEqualTo(1);
        // a pass-through: every request went down, every response came back unchanged
        assertThat(node.calls().get(2)).hasSize(3);
        assertThat(responses).allSatisfy(r -> assertThat(body(r)).isSameAs(Void.INSTANCE));
        assertThat(insert.isParsed()).as("EXECUTE bodies are not decoded").isFalse();
        assertThat(select.isParsed()).isFalse();
    }

    @Test
    void preparedChildrenOfABatchCountByTheirKindAndUnknownOnesAsExecute() throws Exception {
        Transform counter = builder().build(TestContexts.connection());
        String delete = "DELETE FROM ks.kv WHERE k = ?";
        run(counter, cql.prepare(INSERT), cql.prepare(delete));

        run(counter, batchOf(cql, preparedId(null, INSERT), "UPDATE ks.kv SET v = 1 WHERE k = 2",
                preparedId(null, delete), preparedId(null, "INSERT INTO ks.other (k) VALUES (?)")));

        assertThat(count("INSERT")).isEqualTo(1);
        assertThat(count("UPDATE")).isEqualTo(1);
        assertThat(count("DELETE")).isEqualTo(1);
        assertThat(count("EXECUTE")).isEqualTo(1);
    }

    @Test
    void aPreparedBeginBatchCountsEachInnerStatement() throws Exception {
        Transform counter = builder().build(TestContexts.connection());
        String batch = "BEGIN BATCH INSERT INTO ks.kv (k, v) VALUES (?, ?); DELETE FROM ks.kv WHERE k = ?; APPLY BATCH";
        run(counter, cql.prepare(batch));

        run(counter, cql.execute(preparedId(null, batch)));

        assertThat(count("INSERT")).isEqualTo(1);
        assertThat(count("DELETE")).isEqualTo(1);
        assertThat(count("EXECUTE")).isZero();
    }

    @Test
    void connectionsOfOneOccurrenceShareWhatWasPrepared() throws Exception {
        TransformBuilder builder = builder();
        Transform connection1 = builder.build(TestContexts.connection());
        Transform connection2 = builder.build(TestContexts.connection());
        run(connection1, cql.prepare(SELECT));

        run(connection2, cql.execute(preparedId(null, SELECT)));

        assertThat(count("SELECT")).isEqualTo(1);
        assertThat(count("EXECUTE")).isZero();
    }

    @Test
    void aFailedPrepareLeavesItsExecutesCountedAsExecute() throws Exception {
        Transform counter = builder().build(TestContexts.connection());
        cql.failPrepareOf(INSERT);
        run(counter, cql.prepare(INSERT));

        run(counter, cql.execute(preparedId(null, INSERT)));

        assertThat(count("PREPARE")).isEqualTo(1);
        assertThat(count("EXECUTE")).isEqualTo(1);
        assertThat(count("INSERT")).isZero();
    }
}
