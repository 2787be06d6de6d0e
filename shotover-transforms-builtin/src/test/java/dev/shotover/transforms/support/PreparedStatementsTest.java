package dev.shotover.transforms.support;

import static dev.shotover.transforms.support.CqlTestMessages.preparedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlStatement;
import dev.shotover.api.cassandra.CqlStatement.Kind;
import dev.shotover.protocols.cassandra.CqlFrameParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreparedStatementsTest {
    private static final String SELECT = "SELECT v FROM kv WHERE k = ?";
    private static final String INSERT = "INSERT INTO ks.kv (k, v) VALUES (?, ?)";

    private final CqlTestMessages v4 = new CqlTestMessages(4);
    private final CqlTestMessages v5 = new CqlTestMessages(5);

    @AfterEach
    void release() {
        v4.close();
        v5.close();
    }

    private static List<CqlStatement> statements(String cql) {
        return CqlStatement.parseAll(cql);
    }

    private static byte[] id(int n) {
        return new byte[] {(byte) n, 1, 2, 3};
    }

    @Test
    void remembersByIdContentAndReplacesWhatAnIdMeant() {
        PreparedStatements registry = new PreparedStatements();
        assertThat(registry.lookup(id(1))).isNull();

        byte[] key = id(1);
        registry.remember(key, statements(SELECT));
        key[0] = 99; // the registry copied the id

        assertThat(registry.lookup(id(1))).extracting(CqlStatement::kind).containsExactly(Kind.SELECT);
        assertThat(registry.lookup(id(99))).isNull();

        registry.remember(id(1), statements(INSERT));
        assertThat(registry.lookup(id(1))).extracting(CqlStatement::kind).containsExactly(Kind.INSERT);
        assertThat(registry.size()).isEqualTo(1);
        assertThatThrownBy(() -> registry.remember(id(2), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void preparingTheSameStatementAgainKeepsTheEntry() {
        PreparedStatements registry = new PreparedStatements(2, Long.MAX_VALUE);
        registry.remember(id(1), statements(SELECT));
        List<CqlStatement> first = registry.lookup(id(1));
        registry.remember(id(2), statements(INSERT));
        for (int i = 0; i < 100; i++) {
            registry.remember(id(1), statements(SELECT));
            registry.remember(id(2), statements(INSERT));
        }

        assertThat(registry.lookup(id(1))).isSameAs(first);
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.evictions()).isZero();
    }

    @Test
    void evictsTheEntriesNotLookedUpFirstWhenOverTheEntryBound() {
        PreparedStatements registry = new PreparedStatements(3, Long.MAX_VALUE);
        registry.remember(id(1), statements(SELECT));
        registry.remember(id(2), statements(SELECT));
        registry.remember(id(3), statements(SELECT));
        registry.lookup(id(1));

        registry.remember(id(4), statements(SELECT));

        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.evictions()).isEqualTo(1);
        assertThat(registry.lookup(id(2))).as("oldest entry not looked up").isNull();
        assertThat(registry.lookup(id(1))).as("looked up since it was added").isNotNull();
        assertThat(registry.lookup(id(3))).isNotNull();
        assertThat(registry.lookup(id(4))).isNotNull();

        // now 1, 3 and 4 were all looked up: the clock clears their flags and the oldest goes
        registry.remember(id(5), statements(SELECT));
        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.lookup(id(5))).isNotNull();
    }

    @Test
    void staysWithinTheEntryBoundUnderManyReplacementsAndAdditions() {
        PreparedStatements registry = new PreparedStatements(50, Long.MAX_VALUE);
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 100; i++) {
                registry.remember(id(i), statements(round % 2 == 0 ? SELECT : INSERT));
                registry.lookup(id(i / 2));
            }
        }
        assertThat(registry.size()).isEqualTo(50);
        assertThat(registry.lookup(id(99))).as("the latest entry").isNotNull();
    }

    @Test
    void boundsTheStatementTextButKeepsTheEntryJustAdded() {
        String tenChars = "SELECT 1  ";
        PreparedStatements registry = new PreparedStatements(100, 25);
        registry.remember(id(1), statements(tenChars));
        registry.remember(id(2), statements(tenChars));
        assertThat(registry.size()).isEqualTo(2);

        registry.remember(id(3), statements(tenChars));
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.lookup(id(1))).isNull();

        String huge = "SELECT " + "x".repeat(100) + " FROM t";
        registry.remember(id(4), statements(huge));
        assertThat(registry.size()).as("only the statement above the bound remains").isEqualTo(1);
        assertThat(registry.lookup(id(4))).extracting(CqlStatement::cql).containsExactly(huge);

        registry.remember(id(5), statements(tenChars));
        assertThat(registry.lookup(id(4))).isNull();
        assertThat(registry.lookup(id(5))).isNotNull();
    }

    @Test
    void concurrentLookupsAndAdditionsStayConsistent() throws Exception {
        PreparedStatements registry = new PreparedStatements(64, Long.MAX_VALUE);
        List<CqlStatement> select = statements(SELECT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++) {
                        byte[] key = id(random.nextInt(200));
                        List<CqlStatement> found = registry.lookup(key);
                        if (found == null) {
                            registry.remember(key, select);
                        } else {
                            assertThat(found).isEqualTo(select);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.size()).isLessThanOrEqualTo(64);
        assertThat(registry.evictions()).isPositive();
    }

    @Test
    void queryTypeCombinesLikeAQuery() {
        assertThat(PreparedStatements.queryType(statements(SELECT))).isEqualTo(QueryType.READ);
        assertThat(PreparedStatements.queryType(statements(INSERT))).isEqualTo(QueryType.WRITE);
        assertThat(PreparedStatements.queryType(statements("CREATE TABLE t (k int PRIMARY KEY)")))
                .isEqualTo(QueryType.SCHEMA_CHANGE);
        assertThat(PreparedStatements.queryType(statements(
                "BEGIN BATCH INSERT INTO t (k) VALUES (?); DELETE FROM t WHERE k = ?; APPLY BATCH")))
                .isEqualTo(QueryType.WRITE);
        assertThat(PreparedStatements.queryType(statements("SELECT * FROM t; INSERT INTO t (k) VALUES (1)")))
                .isEqualTo(QueryType.READ_WRITE);
        assertThat(PreparedStatements.queryType(List.of())).isEqualTo(QueryType.READ);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5})
    void executedIdIsReadFromTheRawBodyWithoutDecoding(int version) {
        try (CqlTestMessages messages = new CqlTestMessages(version)) {
            byte[] id = preparedId("ks", SELECT);
            Message execute = messages.execute(id);

            assertThat(PreparedStatements.opcode(execute)).isEqualTo(ProtocolConstants.Opcode.EXECUTE);
            assertThat(PreparedStatements.executedId(execute)).isEqualTo(id);
            assertThat(execute.isParsed()).isFalse();
        }
    }

    @Test
    void executedIdBehindACustomPayloadOrWithoutRawBytesComesFromTheFrame() {
        byte[] id = preparedId(null, INSERT);
        Message withPayload = v4.requestWithCustomPayload(new Execute(id, QueryOptions.DEFAULT));
        Message generated = v4.generated(new Execute(id, QueryOptions.DEFAULT));

        assertThat(PreparedStatements.executedId(withPayload)).isEqualTo(id);
        assertThat(withPayload.isParsed()).isTrue();
        assertThat(PreparedStatements.opcode(generated)).isEqualTo(ProtocolConstants.Opcode.EXECUTE);
        assertThat(PreparedStatements.executedId(generated)).isEqualTo(id);
    }

    @Test
    void executedIdOfATruncatedOrOtherRequestFails() {
        Message execute = v4.execute(preparedId(null, SELECT));
        ByteBuf truncatedBytes = Unpooled.buffer();
        truncatedBytes.writeBytes(execute.rawBytes(), execute.rawBytes().readerIndex(), 9 + 2 + 5);
        Message truncated = Message.fromRaw(Protocol.CASSANDRA, truncatedBytes, CqlFrameParser.INSTANCE, 0L);
        try {
            assertThatThrownBy(() -> PreparedStatements.executedId(truncated))
                    .isInstanceOf(MessageParseException.class);
            assertThatThrownBy(() -> PreparedStatements.executedId(v4.prepare(SELECT)))
                    .isInstanceOf(MessageParseException.class).hasMessageContaining("not an EXECUTE");
        } finally {
            truncated.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5})
    void unpreparedResponseIsCassandrasErrorOnTheRequestsStream(int version) {
        try (CqlTestMessages messages = new CqlTestMessages(version)) {
            messages.execute(id(0)); // move the stream id along
            byte[] id = preparedId(null, SELECT);
            Message execute = messages.execute(id);

            Message response = PreparedStatements.unpreparedResponse(execute, id);

            assertThat(response.requestId()).isEqualTo(execute.id());
            assertThat(execute.isParsed()).isFalse();
            // what the client receives: encode as the source's encoder does, then decode
            ByteBuf bytes = CqlFrameParser.encode(response.frame(CassandraFrame.class),
                    UnpooledByteBufAllocator.DEFAULT);
            try {
                CassandraFrame decoded = CqlFrameParser.INSTANCE.parse(bytes);
                assertThat(decoded.version()).isEqualTo(version);
                assertThat(decoded.streamId()).isEqualTo(2);
                assertThat(decoded.isResponse()).isTrue();
                Unprepared unprepared = (Unprepared) decoded.message();
                assertThat(unprepared.code).isEqualTo(0x2500);
                assertThat(unprepared.id).isEqualTo(id);
                assertThat(unprepared.message).isEqualTo("Prepared query with ID "
                        + java.util.HexFormat.of().formatHex(id) + " not found (either the query was not prepared on"
                        + " this host (maybe the host has been restarted?) or you have prepared too many queries and"
                        + " it has been evicted from the internal cache)");
            } finally {
                bytes.release();
            }
        }
    }

    @Test
    void learnsFromPreparedResultsPairedByRequestIdWithTheConnectionKeyspace() {
        PreparedStatements registry = new PreparedStatements();
        PreparedStatements.PendingPrepares pending = registry.pendingPrepares();
        assertThat(pending.isEmpty()).isTrue();
        Message select = v4.request(new Prepare(SELECT), "shop");
        Message insert = v4.request(new Prepare(INSERT), "shop");
        Message failing = v4.prepare("SELEKT");
        Message notAdded = v4.prepare("DELETE FROM t WHERE k = 1");
        pending.add(select);
        pending.add(insert);
        pending.add(failing);
        assertThat(pending.isEmpty()).isFalse();

        List<Message> responses = List.of(
                v4.response(insert, CqlTestMessages.prepared(preparedId("shop", INSERT))),
                v4.response(failing, new Error(ProtocolConstants.ErrorCode.SYNTAX_ERROR, "no viable alternative")),
                v4.response(notAdded, CqlTestMessages.prepared(id(7))),
                v4.response(select, CqlTestMessages.prepared(preparedId("shop", SELECT))));

        assertThat(pending.rememberPrepared(responses)).isSameAs(responses);

        assertThat(registry.size()).isEqualTo(2);
        List<CqlStatement> selectStatements = registry.lookup(preparedId("shop", SELECT));
        assertThat(selectStatements).hasSize(1);
        assertThat(selectStatements.get(0).kind()).isEqualTo(Kind.SELECT);
        assertThat(selectStatements.get(0).qualifiedTable()).isEqualTo("shop.kv");
        assertThat(registry.lookup(preparedId("shop", INSERT)).get(0).qualifiedTable())
                .as("a qualified table keeps its keyspace").isEqualTo("ks.kv");
        assertThat(registry.lookup(id(7))).as("answer to a request that was not added").isNull();
        // only the responses to added requests with opcode RESULT were decoded
        assertThat(responses.get(2).isParsed()).isFalse();
        assertThat(responses.get(1).isParsed()).isFalse();
    }

    @Test
    void theRequestsOwnKeyspaceWinsOverTheConnectionsInV5() {
        PreparedStatements registry = new PreparedStatements();
        PreparedStatements.PendingPrepares pending = registry.pendingPrepares();
        Message prepare = v5.request(new Prepare(SELECT, "inventory"), "shop");
        pending.add(prepare);

        pending.rememberPrepared(List.of(v5.response(prepare,
                CqlTestMessages.prepared(preparedId("inventory", SELECT)))));

        assertThat(registry.lookup(preparedId("inventory", SELECT))).extracting(CqlStatement::qualifiedTable)
                .containsExactly("inventory.kv");
    }

    @Test
    void aBeginBatchStringIsRememberedAsItsInnerStatements() {
        PreparedStatements registry = new PreparedStatements();
        PreparedStatements.PendingPrepares pending = registry.pendingPrepares();
        String batch = "BEGIN BATCH INSERT INTO t (k) VALUES (?); UPDATE t SET v = 1 WHERE k = ?; APPLY BATCH";
        Message prepare = v4.prepare(batch);
        pending.add(prepare);

        pending.rememberPrepared(List.of(v4.response(prepare, CqlTestMessages.prepared(preparedId(null, batch)))));

        assertThat(registry.lookup(preparedId(null, batch))).extracting(CqlStatement::kind)
                .containsExactly(Kind.INSERT, Kind.UPDATE);
    }
}
