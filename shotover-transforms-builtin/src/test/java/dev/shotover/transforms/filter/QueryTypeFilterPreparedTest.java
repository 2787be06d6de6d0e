package dev.shotover.transforms.filter;

import static dev.shotover.transforms.support.CqlTestMessages.body;
import static dev.shotover.transforms.support.CqlTestMessages.preparedId;
import static dev.shotover.transforms.support.CqlTestMessages.streamId;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.Void;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.protocols.cassandra.CqlFrameParser;
import dev.shotover.transforms.support.CqlTestMessages;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** QueryTypeFilter on CQL prepared statements: PREPARE / EXECUTE / BATCH envelopes through a fake node. */
class QueryTypeFilterPreparedTest {
    private static final String SELECT = "SELECT v FROM ks.kv WHERE k = ?";
    private static final String INSERT = "INSERT INTO ks.kv (k, v) VALUES (?, ?)";

    private final CqlTestMessages cql = new CqlTestMessages(4);
    private final FakeDownChain node = new FakeDownChain(cql::node);

    @AfterEach
    void release() {
        cql.close();
    }

    private static TransformBuilder builder(QueryTypeList list) {
        TransformBuilder builder = new QueryTypeFilterConfig(null, list, null)
                .builder(TestContexts.build("QueryTypeFilter", new TestMetrics()));
        assertThat(builder.validate()).isEmpty();
        return builder;
    }

    private static Transform denyList(QueryType... types) throws Exception {
        return builder(new QueryTypeList.DenyList(List.of(types))).build(TestContexts.connection());
    }

    private List<Message> run(Transform transform, Message... requests) {
        return transform.transform(node.state(new ArrayList<>(List.of(requests)))).toCompletableFuture().join();
    }

    private static void assertFiltered(Message response, Message request) {
        assertThat(response.requestId()).isEqualTo(request.id());
        assertThat(streamId(response)).isEqualTo(streamId(request));
        Error error = (Error) body(response);
        assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.INVALID);
        assertThat(error.message).isEqualTo(QueryTypeFilter.FILTERED_TEXT);
    }

    private static void assertUnprepared(Message response, Message request, byte[] id) {
        assertThat(response.requestId()).isEqualTo(request.id());
        assertThat(streamId(response)).isEqualTo(streamId(request));
        assertThat(body(response)).isInstanceOfSatisfying(Unprepared.class, unprepared -> {
            assertThat(unprepared.code).isEqualTo(ProtocolConstants.ErrorCode.UNPREPARED);
            assertThat(unprepared.id).isEqualTo(id);
            assertThat(unprepared.message).startsWith("Prepared query with ID ").contains(" not found");
        });
    }

    @Test
    void denyWritePassesEveryPrepareThenFiltersThePreparedInsertAndPassesThePreparedSelect() throws Exception {
        Transform filter = denyList(QueryType.WRITE);
        Message prepareSelect = cql.prepare(SELECT);
        Message prepareInsert = cql.prepare(INSERT);

        List<Message> prepared = run(filter, prepareSelect, prepareInsert);

        // preparing a write is harmless: applications prepare everything at start-up
        assertThat(node.calls()).containsExactly(List.of(prepareSelect, prepareInsert));
        assertThat(prepared).hasSize(2).allSatisfy(r -> assertThat(body(r)).isInstanceOf(Prepared.class));

        Message executeInsert = cql.execute(preparedId(null, INSERT));
        Message executeSelect = cql.execute(preparedId(null, SELECT));
        List<Message> responses = run(filter, executeInsert, executeSelect);

        // an EXECUTE is classified from its id, read from the raw bytes: its body is never decoded
        assertThat(executeInsert.isParsed()).isFalse();
        assertThat(executeSelect.isParsed()).isFalse();
        assertThat(node.calls().get(1)).containsExactly(executeSelect);
        assertThat(responses).hasSize(2);
        assertFiltered(responses.get(0), executeInsert);
        assertThat(body(responses.get(1))).isSameAs(Void.INSTANCE);
    }

    @Test
    void unknownIdIsAnsweredUnpreparedAndClassifiedOnceTheDriverPreparedAgain() throws Exception {
        Transform filter = denyList(QueryType.WRITE);
        byte[] insertId = preparedId(null, INSERT);
        byte[] selectId = preparedId(null, SELECT);
        Message unknownInsert = cql.execute(insertId);
        Message unknownSelect = cql.execute(selectId);

        List<Message> first = run(filter, unknownInsert, unknownSelect);

        assertThat(node.calls()).containsExactly(List.of());
        assertThat(first).hasSize(2);
        assertUnprepared(first.get(0), unknownInsert, insertId);
        assertUnprepared(first.get(1), unknownSelect, selectId);

        // what a driver does on Unprepared: prepare again on the same connection, then retry
        run(filter, cql.prepare(INSERT), cql.prepare(SELECT));
        Message retriedInsert = cql.execute(insertId);
        Message retriedSelect = cql.execute(selectId);
        List<Message> retried = run(filter, retriedInsert, retriedSelect);

        assertFiltered(retried.get(0), retriedInsert);
        assertThat(body(retried.get(1))).isSameAs(Void.INSTANCE);
        assertThat(node.calls().get(2)).containsExactly(retriedSelect);
    }

    @Test
    void aPrepareAndItsExecuteInOneBatchOfRequestsGetUnpreparedThenWork() throws Exception {
        // the EXECUTE is classified before the PREPARE ahead of it is answered
        Transform filter = denyList(QueryType.WRITE);
        Message prepare = cql.prepare(SELECT);
        Message execute = cql.execute(preparedId(null, SELECT));

        List<Message> responses = run(filter, prepare, execute);

        assertThat(body(responses.get(0))).isInstanceOf(Prepared.class);
        assertUnprepared(responses.get(1), execute, preparedId(null, SELECT));
        Message again = cql.execute(preparedId(null, SELECT));
        assertThat(body(run(filter, again).get(0))).isSameAs(Void.INSTANCE);
    }

    @Test
    void allConnectionsOfTheChainShareWhatWasPrepared() throws Exception {
        TransformBuilder builder = builder(new QueryTypeList.DenyList(List.of(QueryType.WRITE)));
        Transform connection1 = builder.build(TestContexts.connection());
        Transform connection2 = builder.build(TestContexts.connection());
        run(connection1, cql.prepare(INSERT));

        Message execute = cql.execute(preparedId(null, INSERT));
        assertFiltered(run(connection2, execute).get(0), execute);

        // another occurrence of the transform has a registry of its own
        Transform otherOccurrence = denyList(QueryType.WRITE);
        Message elsewhere = cql.execute(preparedId(null, INSERT));
        assertUnprepared(run(otherOccurrence, elsewhere).get(0), elsewhere, preparedId(null, INSERT));
    }

    @Test
    void unqualifiedStatementsArePreparedPerKeyspace() throws Exception {
        Transform filter = denyList(QueryType.WRITE);
        String unqualified = "INSERT INTO kv (k, v) VALUES (?, ?)";
        run(filter, cql.request(new Prepare(unqualified), "shop"));

        Message inShop = cql.execute(preparedId("shop", unqualified));
        Message inOther = cql.execute(preparedId("other", unqualified));
        List<Message> responses = run(filter, inShop, inOther);

        assertFiltered(responses.get(0), inShop);
        assertUnprepared(responses.get(1), inOther, preparedId("other", unqualified));
    }

    @Test
    void aFailedPrepareTeachesNothing() throws Exception {
        Transform filter = denyList(QueryType.WRITE);
        cql.failPrepareOf(INSERT);
        List<Message> prepared = run(filter, cql.prepare(INSERT));
        assertThat(body(prepared.get(0))).isInstanceOf(Error.class);

        Message execute = cql.execute(preparedId(null, INSERT));
        assertUnprepared(run(filter, execute).get(0), execute, preparedId(null, INSERT));
    }

    @Test
    void schemaChangesAndStatementMixesAreClassifiedToo() throws Exception {
        String create = "CREATE TABLE ks.t2 (k int PRIMARY KEY)";
        String mixed = "SELECT * FROM ks.kv; INSERT INTO ks.kv (k) VALUES (1)";
        Transform filter = denyList(QueryType.SCHEMA_CHANGE, QueryType.READ_WRITE);
        run(filter, cql.prepare(create), cql.prepare(mixed), cql.prepare(INSERT));

        Message executeCreate = cql.execute(preparedId(null, create));
        Message executeMixed = cql.execute(preparedId(null, mixed));
        Message executeInsert = cql.execute(preparedId(null, INSERT));
        List<Message> responses = run(filter, executeCreate, executeMixed, executeInsert);

        assertFiltered(responses.get(0), executeCreate);
        assertFiltered(responses.get(1), executeMixed);
        assertThat(body(responses.get(2))).isSameAs(Void.INSTANCE);
    }

    @Test
    void allowListReadLetsOnlyPreparedReadsThrough() throws Exception {
        Transform filter = builder(new QueryTypeList.AllowList(List.of(QueryType.READ))).build(TestContexts.connection());
        run(filter, cql.prepare(SELECT), cql.prepare(INSERT));

        Message select = cql.execute(preparedId(null, SELECT));
        Message insert = cql.execute(preparedId(null, INSERT));
        List<Message> responses = run(filter, select, insert);

        assertThat(body(responses.get(0))).isSameAs(Void.INSTANCE);
        assertFiltered(responses.get(1), insert);
    }

    @Test
    void listsThatTreatEveryStatementAlikeNeverAnswerUnprepared() throws Exception {
        Message passes = cql.execute(preparedId(null, INSERT));
        List<Message> responses = run(denyList(QueryType.PUB_SUB_MESSAGE), passes);
        assertThat(body(responses.get(0))).isSameAs(Void.INSTANCE);

        Message rejected = cql.execute(preparedId(null, SELECT));
        Transform rejectsAll = builder(new QueryTypeList.AllowList(List.of())).build(TestContexts.connection());
        assertFiltered(run(rejectsAll, rejected).get(0), rejected);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBatchOfPreparedStatementsIsAWriteWhetherItsIdsAreKnownOrNot(boolean known) throws Exception {
        Transform filter = denyList(QueryType.WRITE);
        if (known) {
            run(filter, cql.prepare(INSERT));
        }
        Message batch = cql.request(new Batch(ProtocolConstants.BatchType.LOGGED,
                List.of(preparedId(null, INSERT), preparedId(null, INSERT)), List.of(List.of(), List.of()),
                ProtocolConstants.ConsistencyLevel.ONE, ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE,
                null, Integer.MIN_VALUE));

        assertFiltered(run(filter, batch).get(0), batch);
    }

    @Test
    void anExecuteWhoseIdCannotBeReadIsReadWrite() throws Exception {
        Message execute = cql.execute(preparedId(null, SELECT));
        ByteBuf truncated = Unpooled.buffer();
        truncated.writeBytes(execute.rawBytes(), execute.rawBytes().readerIndex(), 9 + 2 + 3);
        Message broken = Message.fromRaw(Protocol.CASSANDRA, truncated, CqlFrameParser.INSTANCE, 0L);
        try {
            List<Message> responses = run(denyList(QueryType.READ_WRITE), broken);
            assertThat(responses).hasSize(1);
            assertThat(responses.get(0).requestId()).isEqualTo(broken.id());
            assertThat(((Error) body(responses.get(0))).message).isEqualTo(QueryTypeFilter.FILTERED_TEXT);
            assertThat(node.calls()).containsExactly(List.of());
        } finally {
            broken.release();
        }
    }

    @Test
    void otherCqlRequestsKeepShotoversClassification() throws Exception {
        Transform filter = denyList(QueryType.READ);
        Message prepare = cql.prepare(INSERT);
        Message query = cql.request(new com.datastax.oss.protocol.internal.request.Query(INSERT));

        List<Message> responses = run(filter, prepare, query);

        assertFiltered(responses.get(0), prepare);
        assertThat(body(responses.get(1))).isSameAs(Void.INSTANCE);
    }
}
