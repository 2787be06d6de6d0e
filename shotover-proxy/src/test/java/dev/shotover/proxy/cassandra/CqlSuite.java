package dev.shotover.proxy.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.data.CqlVector;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Shotover's standard CQL test suite for one driver session: keyspaces, tables, UDTs, every native type,
 * collections (and vectors), functions, prepared statements, batches, paging, lightweight transactions, timestamps,
 * concurrent requests, large values, errors and tracing. Every check compares with what was written, so a proxy
 * that drops, reorders or corrupts anything fails it.
 *
 * <p>The tables live in one keyspace created once by {@link #createSchema}; each run writes under partition keys
 * prefixed with its variant's tag, so runs of different variants never see each other's rows. Not thread-safe:
 * one suite per test thread.
 */
public final class CqlSuite {
    private final CqlSession session;
    private final String ks;
    private final CqlVariant variant;
    private final String tag;

    /**
     * @param session the session under test
     * @param keyspace the keyspace {@link #createSchema} made
     * @param variant the session's protocol version and compression (names the rows)
     */
    public CqlSuite(CqlSession session, String keyspace, CqlVariant variant) {
        this(session, keyspace, variant, variant.tag());
    }

    /**
     * A suite whose rows are named by {@code tag}, for a second run of a variant (counters and conditional inserts
     * expect rows nobody wrote before).
     */
    public CqlSuite(CqlSession session, String keyspace, CqlVariant variant, String tag) {
        this.session = session;
        this.ks = keyspace;
        this.variant = variant;
        this.tag = tag;
    }

    /**
     * Creates the keyspace (replication factor 1), its user type and the tables every run uses, and waits until
     * every node has them.
     */
    public static void createSchema(CqlSession session, String keyspace) {
        session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TYPE " + keyspace + ".address (street text, zip int, tags frozen<set<text>>)");
        session.execute("CREATE TABLE " + keyspace + ".types (id text PRIMARY KEY, a ascii, b bigint, bl blob,"
                + " bo boolean, d date, de decimal, db double, du duration, f float, i inet, n int, s smallint,"
                + " t text, ti time, ts timestamp, tu timeuuid, ty tinyint, u uuid, vc varchar, vi varint)");
        session.execute("CREATE TABLE " + keyspace + ".collections (id text PRIMARY KEY, l list<int>, s set<text>,"
                + " m map<text, int>, fl frozen<list<text>>, nested map<text, frozen<list<int>>>,"
                + " tup tuple<int, text>, vec vector<float, 3>)");
        session.execute("CREATE TABLE " + keyspace + ".people (id text PRIMARY KEY, home frozen<address>,"
                + " work address, others list<frozen<address>>)");
        session.execute("CREATE TABLE " + keyspace + ".kv (pk text, ck int, v text, PRIMARY KEY (pk, ck))");
        session.execute("CREATE TABLE " + keyspace + ".counters (id text PRIMARY KEY, c counter)");
        session.execute("CREATE TABLE " + keyspace + ".lwt (id text PRIMARY KEY, v int)");
        session.execute("CREATE TABLE " + keyspace + ".big (id text PRIMARY KEY, payload blob)");
        ProxiedSessions.awaitSchemaAgreement(session);
    }

    /**
     * Everything below, in one go.
     *
     * @param keyspaceSession a second session, see {@link #prepared}
     * @param withDdl         whether to include {@link #ddl()}: each schema change waits for the three nodes to
     *                        agree, which makes it the slowest part by far
     */
    public void runAll(CqlSession keyspaceSession, boolean withDdl) {
        if (withDdl) {
            ddl();
        }
        nativeTypes();
        collections();
        udts();
        functions();
        prepared(keyspaceSession);
        batches();
        paging();
        lightweightTransactions();
        timestamps();
        concurrentRequests();
        largeValues();
        errors();
        tracing();
    }

    /** Keyspace, table and type creation, alteration and removal, as the driver's schema metadata sees them. */
    public void ddl() {
        String keyspace = "ddl_" + tag;
        session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TYPE " + keyspace + ".point (x int, y int)");
        session.execute("CREATE TABLE " + keyspace + ".things (id int PRIMARY KEY, name text, at frozen<point>)");
        session.execute("ALTER TABLE " + keyspace + ".things ADD extra bigint");
        KeyspaceMetadata metadata = session.getMetadata().getKeyspace(keyspace).orElseThrow();
        assertThat(metadata.getUserDefinedType("point")).isPresent();
        assertThat(metadata.getTable("things").orElseThrow().getColumn("extra")).isPresent();
        session.execute("INSERT INTO " + keyspace + ".things (id, name, at, extra) VALUES (1, 'one', {x: 1, y: 2}, 3)");
        Row row = session.execute("SELECT name, at, extra FROM " + keyspace + ".things WHERE id = 1").one();
        assertThat(row.getString("name")).isEqualTo("one");
        assertThat(row.getUdtValue("at").getInt("y")).isEqualTo(2);
        assertThat(row.getLong("extra")).isEqualTo(3L);
        session.execute("DROP TABLE " + keyspace + ".things");
        assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("things")).isEmpty();
        session.execute("DROP KEYSPACE " + keyspace);
        assertThat(session.getMetadata().getKeyspace(keyspace)).isEmpty();
    }

    /** Every native type, bound in a prepared statement, as literals, and as nulls. */
    public void nativeTypes() {
        ByteBuffer blob = ByteBuffer.wrap(allBytes());
        CqlDuration duration = CqlDuration.newInstance(1, 2, 3_000_000_004L);
        InetAddress inet = inet("2001:db8::1");
        UUID timeuuid = Uuids.timeBased();
        UUID uuid = UUID.randomUUID();
        LocalDate date = LocalDate.of(2024, 2, 29);
        LocalTime time = LocalTime.of(12, 34, 56, 789_000_001);
        Instant timestamp = Instant.parse("2024-01-02T03:04:05.678Z");
        BigDecimal decimal = new BigDecimal("-12345.678901234567890");
        BigInteger varint = new BigInteger("-123456789012345678901234567890");

        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".types (id, a, b, bl, bo, d, de, db, du,"
                + " f, i, n, s, t, ti, ts, tu, ty, u, vc, vi) VALUES (:id, :a, :b, :bl, :bo, :d, :de, :db, :du, :f, :i,"
                + " :n, :s, :t, :ti, :ts, :tu, :ty, :u, :vc, :vi)");
        BoundStatementBuilder bound = insert.boundStatementBuilder()
                .setString("id", tag + "-bound").setString("a", "ascii text").setLong("b", Long.MIN_VALUE)
                .setByteBuffer("bl", blob).setBoolean("bo", true).setBigDecimal("de", decimal)
                .setDouble("db", Math.PI).setCqlDuration("du", duration).setFloat("f", 2.5f).setInetAddress("i", inet)
                .setInt("n", Integer.MAX_VALUE).setString("t", "text ✓ ünïcode").setInstant("ts", timestamp)
                .setUuid("tu", timeuuid).setUuid("u", uuid).setString("vc", "varchar").setBigInteger("vi", varint);
        bind(bound, "d", TypeCodecs.DATE, date);
        bind(bound, "s", TypeCodecs.SMALLINT, (short) -12);
        bind(bound, "ti", TypeCodecs.TIME, time);
        bind(bound, "ty", TypeCodecs.TINYINT, (byte) -7);
        session.execute(bound.build());
        PreparedStatement select = session.prepare("SELECT * FROM " + ks + ".types WHERE id = ?");
        Row row = session.execute(select.bind(tag + "-bound")).one();
        assertThat(row).isNotNull();
        assertThat(row.getString("a")).isEqualTo("ascii text");
        assertThat(row.getLong("b")).isEqualTo(Long.MIN_VALUE);
        assertThat(row.getByteBuffer("bl")).isEqualTo(ByteBuffer.wrap(allBytes()));
        assertThat(row.getBoolean("bo")).isTrue();
        assertThat(get(row, "d", TypeCodecs.DATE)).isEqualTo(date);
        assertThat(row.getBigDecimal("de")).isEqualTo(decimal);
        assertThat(row.getDouble("db")).isEqualTo(Math.PI);
        assertThat(row.getCqlDuration("du")).isEqualTo(duration);
        assertThat(row.getFloat("f")).isEqualTo(2.5f);
        assertThat(row.getInetAddress("i")).isEqualTo(inet);
        assertThat(row.getInt("n")).isEqualTo(Integer.MAX_VALUE);
        assertThat(get(row, "s", TypeCodecs.SMALLINT)).isEqualTo((short) -12);
        assertThat(row.getString("t")).isEqualTo("text ✓ ünïcode");
        assertThat(get(row, "ti", TypeCodecs.TIME)).isEqualTo(time);
        assertThat(row.getInstant("ts")).isEqualTo(timestamp);
        assertThat(row.getUuid("tu")).isEqualTo(timeuuid);
        assertThat(get(row, "ty", TypeCodecs.TINYINT)).isEqualTo((byte) -7);
        assertThat(row.getUuid("u")).isEqualTo(uuid);
        assertThat(row.getString("vc")).isEqualTo("varchar");
        assertThat(row.getBigInteger("vi")).isEqualTo(varint);

        session.execute("INSERT INTO " + ks + ".types (id, a, b, bl, bo, d, de, db, du, f, i, n, s, t, ti, ts, tu,"
                + " ty, u, vc, vi) VALUES ('" + tag + "-literal', 'ascii', 42, 0xcafe, false, '1970-01-01', 1.5, -2.25,"
                + " 1h2m3s, 0.5, '192.168.1.1', -1, 32767, 'it''s', '00:00:01.5', '2000-01-01T00:00:00Z',"
                + " 50554d6e-29bb-11e5-b345-feff819cdc9f, 127, 00000000-0000-0000-0000-000000000001, '', 0)");
        Row literal = session.execute(SimpleStatement.newInstance("SELECT * FROM " + ks + ".types WHERE id = ?",
                tag + "-literal")).one();
        assertThat(literal.getLong("b")).isEqualTo(42L);
        assertThat(literal.getByteBuffer("bl")).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe}));
        assertThat(literal.getCqlDuration("du")).isEqualTo(CqlDuration.from("1h2m3s"));
        assertThat(literal.getInetAddress("i")).isEqualTo(inet("192.168.1.1"));
        assertThat(get(literal, "s", TypeCodecs.SMALLINT)).isEqualTo((short) 32767);
        assertThat(literal.getString("t")).isEqualTo("it's");
        assertThat(get(literal, "ti", TypeCodecs.TIME)).isEqualTo(LocalTime.of(0, 0, 1, 500_000_000));
        assertThat(get(literal, "d", TypeCodecs.DATE)).isEqualTo(LocalDate.EPOCH);
        assertThat(literal.getUuid("tu")).isEqualTo(UUID.fromString("50554d6e-29bb-11e5-b345-feff819cdc9f"));
        assertThat(get(literal, "ty", TypeCodecs.TINYINT)).isEqualTo((byte) 127);
        assertThat(literal.getString("vc")).isEmpty();
        assertThat(literal.getBigInteger("vi")).isEqualTo(BigInteger.ZERO);

        session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".types (id) VALUES (?)", tag + "-nulls"));
        Row nulls = session.execute(select.bind(tag + "-nulls")).one();
        for (String column : List.of("a", "b", "bl", "bo", "d", "de", "db", "du", "f", "i", "n", "s", "t", "ti",
                "ts", "tu", "ty", "u", "vc", "vi")) {
            assertThat(nulls.isNull(column)).as("column %s", column).isTrue();
        }
    }

    /** Lists, sets, maps (nested, frozen), tuples and vectors; also collection updates. */
    public void collections() {
        TupleType tupleType = DataTypes.tupleOf(DataTypes.INT, DataTypes.TEXT);
        TupleValue tuple = tupleType.newValue(7, "seven");
        CqlVector<Float> vector = CqlVector.newInstance(1.0f, -2.5f, 3.25f);
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".collections (id, l, s, m, fl, nested, tup,"
                + " vec) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        session.execute(insert.bind(tag, List.of(3, 1, 2), Set.of("b", "a"), Map.of("one", 1, "two", 2),
                List.of("x", "y"), Map.of("k", List.of(4, 5)), tuple, vector));
        session.execute(SimpleStatement.newInstance("UPDATE " + ks + ".collections SET l = l + [9], s = s + {'c'},"
                + " m['three'] = 3 WHERE id = ?", tag));
        Row row = session.execute(SimpleStatement.newInstance("SELECT * FROM " + ks + ".collections WHERE id = ?",
                tag)).one();
        assertThat(row.getList("l", Integer.class)).containsExactly(3, 1, 2, 9);
        assertThat(row.getSet("s", String.class)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(row.getMap("m", String.class, Integer.class)).isEqualTo(Map.of("one", 1, "two", 2, "three", 3));
        assertThat(row.getList("fl", String.class)).containsExactly("x", "y");
        assertThat(row.getObject("nested")).isEqualTo(Map.of("k", List.of(4, 5)));
        assertThat(row.getTupleValue("tup").getInt(0)).isEqualTo(7);
        assertThat(row.getTupleValue("tup").getString(1)).isEqualTo("seven");
        assertThat(row.getVector("vec", Float.class)).isEqualTo(vector);

        session.execute(SimpleStatement.newInstance("UPDATE " + ks + ".collections SET l = null, m = {} WHERE id = ?",
                tag));
        Row cleared = session.execute(SimpleStatement.newInstance("SELECT l, m FROM " + ks + ".collections"
                + " WHERE id = ?", tag)).one();
        assertThat(cleared.getList("l", Integer.class)).isEmpty();
        assertThat(cleared.getMap("m", String.class, Integer.class)).isEmpty();
    }

    /** User-defined types: frozen, non-frozen, in a collection, and partial updates. */
    public void udts() {
        UserDefinedType address = session.getMetadata().getKeyspace(ks).orElseThrow()
                .getUserDefinedType("address").orElseThrow();
        UdtValue home = address.newValue("1 Main St", 12345, Set.of("home"));
        UdtValue work = address.newValue("2 Side St", 54321, Set.of());
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".people (id, home, work, others)"
                + " VALUES (?, ?, ?, ?)");
        session.execute(insert.bind(tag, home, work, List.of(home, work)));
        session.execute(SimpleStatement.newInstance("UPDATE " + ks + ".people SET work.zip = 99 WHERE id = ?", tag));
        Row row = session.execute(SimpleStatement.newInstance("SELECT * FROM " + ks + ".people WHERE id = ?", tag))
                .one();
        assertThat(row.getUdtValue("home")).isEqualTo(home);
        assertThat(row.getUdtValue("home").getSet("tags", String.class)).containsExactly("home");
        assertThat(row.getUdtValue("work").getString("street")).isEqualTo("2 Side St");
        assertThat(row.getUdtValue("work").getInt("zip")).isEqualTo(99);
        assertThat(row.getList("others", UdtValue.class)).containsExactly(home, work);
        Row field = session.execute(SimpleStatement.newInstance("SELECT home.street FROM " + ks + ".people"
                + " WHERE id = ?", tag)).one();
        assertThat(field.getString(0)).isEqualTo("1 Main St");
    }

    /** Built-in scalar functions, aggregates, casts and JSON. */
    public void functions() {
        String pk = tag + "-functions";
        session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, 1, 'one')"
                + " USING TTL 1000", pk));
        session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, 2, 'two')", pk));
        Row row = session.execute(SimpleStatement.newInstance("SELECT now(), uuid(), toTimestamp(now()), token(pk),"
                + " writetime(v), ttl(v), blobAsText(textAsBlob(v)), cast(ck as text), toJson(v), abs(ck - 5)"
                + " FROM " + ks + ".kv WHERE pk = ? AND ck = 1", pk)).one();
        assertThat(row.getUuid(0).version()).isEqualTo(1);
        assertThat(row.getUuid(1).version()).isEqualTo(4);
        assertThat(row.getInstant(2)).isBetween(Instant.now().minusSeconds(600), Instant.now().plusSeconds(600));
        assertThat(row.getLong(3)).isNotZero();
        assertThat(row.getLong(4)).isGreaterThan(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis() - 600_000));
        assertThat(row.getInt(5)).isBetween(900, 1000);
        assertThat(row.getString(6)).isEqualTo("one");
        assertThat(row.getString(7)).isEqualTo("1");
        assertThat(row.getString(8)).isEqualTo("\"one\"");
        assertThat(row.getInt(9)).isEqualTo(4);

        Row aggregates = session.execute(SimpleStatement.newInstance("SELECT count(*), min(ck), max(ck), sum(ck),"
                + " avg(ck) FROM " + ks + ".kv WHERE pk = ?", pk)).one();
        assertThat(aggregates.getLong(0)).isEqualTo(2L);
        assertThat(aggregates.getInt(1)).isEqualTo(1);
        assertThat(aggregates.getInt(2)).isEqualTo(2);
        assertThat(aggregates.getInt(3)).isEqualTo(3);
        assertThat(aggregates.getInt(4)).isEqualTo(1);

        session.execute("INSERT INTO " + ks + ".kv JSON '{\"pk\": \"" + pk + "\", \"ck\": 3, \"v\": \"json\"}'");
        Row json = session.execute(SimpleStatement.newInstance("SELECT JSON ck, v FROM " + ks + ".kv"
                + " WHERE pk = ? AND ck = 3", pk)).one();
        assertThat(json.getString(0)).isEqualTo("{\"ck\": 3, \"v\": \"json\"}");
    }

    /**
     * Prepared statements: positional and named markers, the same id from another session, a statement prepared
     * on one connection executed on another, and a session whose keyspace is set by {@code USE} using unqualified
     * tables.
     *
     * @param keyspaceSession a second session to the same proxy, with the suite's keyspace as its keyspace
     */
    public void prepared(CqlSession keyspaceSession) {
        String pk = tag + "-prepared";
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (:pk, :ck, :v)");
        for (int ck = 0; ck < 5; ck++) {
            session.execute(insert.boundStatementBuilder().setString("pk", pk).setInt("ck", ck)
                    .setString("v", "value-" + ck).build());
        }
        PreparedStatement select = session.prepare("SELECT v FROM " + ks + ".kv WHERE pk = ? AND ck = ?");
        assertThat(session.execute(select.bind(pk, 3)).one().getString("v")).isEqualTo("value-3");
        assertThat(select.getResultSetDefinitions().get(0).getName().asInternal()).isEqualTo("v");
        assertThat(select.getVariableDefinitions().size()).isEqualTo(2);

        // the same statement prepared on another connection: the node hands out the same id
        PreparedStatement again = keyspaceSession.prepare("SELECT v FROM " + ks + ".kv WHERE pk = ? AND ck = ?");
        assertThat(again.getId()).isEqualTo(select.getId());
        // prepared on this session's connection, executed on the other session's
        assertThat(keyspaceSession.execute(select.bind(pk, 4)).one().getString("v")).isEqualTo("value-4");

        // unqualified tables resolve against the session keyspace (the driver sent USE on its connections)
        PreparedStatement unqualified = keyspaceSession.prepare("SELECT v FROM kv WHERE pk = ? AND ck = ?");
        assertThat(keyspaceSession.execute(unqualified.bind(pk, 2)).one().getString("v")).isEqualTo("value-2");
        keyspaceSession.execute(SimpleStatement.newInstance("INSERT INTO kv (pk, ck, v) VALUES (?, 10, 'use')", pk));
        assertThat(session.execute(select.bind(pk, 10)).one().getString("v")).isEqualTo("use");
        assertThat(keyspaceSession.execute(SimpleStatement.newInstance("SELECT count(*) FROM kv WHERE pk = ?", pk))
                .one().getLong(0)).isEqualTo(6L);
    }

    /** Logged, unlogged, counter and large batches, mixed prepared and simple children, and a BATCH query string. */
    public void batches() {
        String pk = tag + "-batch";
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, ?, ?)");
        session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                insert.bind(pk + "-a", 1, "a1"),
                insert.bind(pk + "-b", 1, "b1"),
                SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, 1, 'c1')", pk + "-c")));
        for (String suffix : List.of("a", "b", "c")) {
            assertThat(valueOf(pk + "-" + suffix, 1)).isEqualTo(suffix + "1");
        }

        session.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED,
                insert.bind(pk, 1, "one"),
                insert.bind(pk, 2, "two"),
                SimpleStatement.newInstance("UPDATE " + ks + ".kv SET v = 'uno' WHERE pk = ? AND ck = 1", pk),
                SimpleStatement.newInstance("DELETE FROM " + ks + ".kv WHERE pk = ? AND ck = 2", pk)));
        assertThat(valueOf(pk, 1)).isEqualTo("uno");
        assertThat(valueOf(pk, 2)).isNull();

        PreparedStatement increment = session.prepare("UPDATE " + ks + ".counters SET c = c + ? WHERE id = ?");
        session.execute(BatchStatement.newInstance(DefaultBatchType.COUNTER,
                increment.bind(5L, tag + "-counter"),
                increment.bind(7L, tag + "-counter"),
                SimpleStatement.newInstance("UPDATE " + ks + ".counters SET c = c - 2 WHERE id = ?",
                        tag + "-counter")));
        assertThat(session.execute(SimpleStatement.newInstance("SELECT c FROM " + ks + ".counters WHERE id = ?",
                tag + "-counter")).one().getLong(0)).isEqualTo(10L);

        // large: 500 statements over 20 partitions, beyond the server's batch size warning threshold (which only
        // multi-partition batches get)
        List<BatchableStatement<?>> many = new ArrayList<>();
        List<String> partitions = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            partitions.add(pk + "-large-" + p);
        }
        for (int ck = 0; ck < 500; ck++) {
            many.add(insert.bind(partitions.get(ck % 20), ck, "value-" + ck));
        }
        ResultSet large = session.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, many));
        if (variant.versionNumber() >= 4) {
            assertThat(large.getExecutionInfo().getWarnings()).as("the server's warnings reach the driver")
                    .anySatisfy(warning -> assertThat(warning).contains("Batch for"));
        }
        assertThat(session.execute(SimpleStatement.newInstance("SELECT count(*) FROM " + ks + ".kv WHERE pk IN ?",
                partitions)).one().getLong(0)).isEqualTo(500L);

        session.execute(SimpleStatement.newInstance("BEGIN BATCH"
                + " INSERT INTO " + ks + ".kv (pk, ck, v) VALUES ('" + pk + "-query', 1, 'q1');"
                + " INSERT INTO " + ks + ".kv (pk, ck, v) VALUES ('" + pk + "-query', 2, 'q2');"
                + " APPLY BATCH"));
        assertThat(valueOf(pk + "-query", 2)).isEqualTo("q2");
    }

    /** 100 rows read 10 at a time, synchronously and asynchronously. */
    public void paging() {
        String pk = tag + "-paging";
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, ?, ?)");
        List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
        for (int ck = 0; ck < 100; ck++) {
            writes.add(session.executeAsync(insert.bind(pk, ck, "row-" + ck)));
        }
        writes.forEach(write -> write.toCompletableFuture().join());

        ResultSet pages = session.execute(SimpleStatement.newInstance("SELECT ck, v FROM " + ks + ".kv WHERE pk = ?",
                pk).setPageSize(10));
        List<Integer> seen = new ArrayList<>();
        for (Row row : pages) {
            assertThat(row.getString("v")).isEqualTo("row-" + row.getInt("ck"));
            seen.add(row.getInt("ck"));
        }
        assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(pages.getExecutionInfos()).hasSizeBetween(10, 11);

        PreparedStatement select = session.prepare("SELECT ck FROM " + ks + ".kv WHERE pk = ?");
        int count = 0;
        int pageCount = 0;
        AsyncResultSet page = session.executeAsync(select.bind(pk).setPageSize(10)).toCompletableFuture().join();
        while (true) {
            pageCount++;
            for (Row row : page.currentPage()) {
                assertThat(row.getInt(0)).isEqualTo(count);
                count++;
            }
            if (!page.hasMorePages()) {
                break;
            }
            page = page.fetchNextPage().toCompletableFuture().join();
        }
        assertThat(count).isEqualTo(100);
        assertThat(pageCount).isBetween(10, 11);
    }

    /**
     * {@code rows} rows in one partition (written by single-partition batches of 100, ten at a time) read back with
     * a page size of {@code pageSize}.
     */
    public void pagingOver(int rows, int pageSize) {
        String pk = tag + "-paging-" + rows;
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, ?, ?)");
        List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>();
        for (int start = 0; start < rows; start += 100) {
            List<BatchableStatement<?>> batch = new ArrayList<>();
            for (int ck = start; ck < Math.min(rows, start + 100); ck++) {
                batch.add(insert.bind(pk, ck, "row-" + ck));
            }
            writes.add(session.executeAsync(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, batch))
                    .toCompletableFuture());
            if (writes.size() == 10) {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                writes.clear();
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        ResultSet pages = session.execute(SimpleStatement.newInstance("SELECT ck, v FROM " + ks + ".kv WHERE pk = ?",
                pk).setPageSize(pageSize));
        int expected = 0;
        for (Row row : pages) {
            assertThat(row.getInt("ck")).isEqualTo(expected);
            assertThat(row.getString("v")).isEqualTo("row-" + expected);
            expected++;
        }
        assertThat(expected).isEqualTo(rows);
        assertThat(pages.getExecutionInfos().size()).isGreaterThanOrEqualTo(rows / pageSize);
    }

    /** Conditional inserts and updates: applied, not applied (with the current values), and IF EXISTS. */
    public void lightweightTransactions() {
        String id = tag + "-lwt";
        ResultSet first = session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".lwt (id, v)"
                + " VALUES (?, 1) IF NOT EXISTS", id));
        assertThat(first.wasApplied()).isTrue();
        ResultSet second = session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".lwt (id, v)"
                + " VALUES (?, 2) IF NOT EXISTS", id));
        assertThat(second.wasApplied()).isFalse();
        assertThat(second.one().getInt("v")).isEqualTo(1);

        PreparedStatement update = session.prepare("UPDATE " + ks + ".lwt SET v = ? WHERE id = ? IF v = ?");
        assertThat(session.execute(update.bind(5, id, 1)).wasApplied()).isTrue();
        ResultSet stale = session.execute(update.bind(6, id, 1));
        assertThat(stale.wasApplied()).isFalse();
        assertThat(stale.one().getInt("v")).isEqualTo(5);
        assertThat(session.execute(SimpleStatement.newInstance("DELETE FROM " + ks + ".lwt WHERE id = ? IF EXISTS",
                id)).wasApplied()).isTrue();
        assertThat(session.execute(SimpleStatement.newInstance("SELECT v FROM " + ks + ".lwt WHERE id = ?", id))
                .one()).isNull();
    }

    /** Write timestamps from {@code USING TIMESTAMP} and from the client (the request's default timestamp). */
    public void timestamps() {
        String pk = tag + "-timestamps";
        session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, 1, 'a')"
                + " USING TIMESTAMP 1234567", pk));
        session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, 2, 'b')", pk)
                .setQueryTimestamp(7654321L));
        // an older write loses against the newer one
        session.execute(SimpleStatement.newInstance("UPDATE " + ks + ".kv USING TIMESTAMP 1000 SET v = 'old'"
                + " WHERE pk = ? AND ck = 1", pk));
        List<Row> rows = session.execute(SimpleStatement.newInstance("SELECT ck, v, writetime(v) FROM " + ks + ".kv"
                + " WHERE pk = ?", pk)).all();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getString("v")).isEqualTo("a");
        assertThat(rows.get(0).getLong(2)).isEqualTo(1234567L);
        assertThat(rows.get(1).getLong(2)).isEqualTo(7654321L);
    }

    /** 100 requests in flight at once on the session's one connection, answered in any order. */
    public void concurrentRequests() {
        String pk = tag + "-concurrent";
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".kv (pk, ck, v) VALUES (?, ?, ?)");
        List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>();
        for (int ck = 0; ck < 100; ck++) {
            writes.add(session.executeAsync(insert.bind(pk, ck, "v" + ck)).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        PreparedStatement select = session.prepare("SELECT v FROM " + ks + ".kv WHERE pk = ? AND ck = ?");
        List<CompletableFuture<AsyncResultSet>> reads = new ArrayList<>();
        for (int ck = 0; ck < 100; ck++) {
            reads.add(session.executeAsync(select.bind(pk, ck)).toCompletableFuture());
        }
        for (int ck = 0; ck < 100; ck++) {
            assertThat(reads.get(ck).join().one().getString("v")).isEqualTo("v" + ck);
        }
    }

    /** A 300 KB value each way: larger than a v5 segment, so it travels in several. */
    public void largeValues() {
        byte[] payload = new byte[300 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + i / 1024);
        }
        PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".big (id, payload) VALUES (?, ?)");
        session.execute(insert.bind(tag, ByteBuffer.wrap(payload)));
        Row row = session.execute(SimpleStatement.newInstance("SELECT payload FROM " + ks + ".big WHERE id = ?", tag))
                .one();
        assertThat(row.getByteBuffer(0)).isEqualTo(ByteBuffer.wrap(payload));
    }

    /** Server errors arrive as the driver's typed exceptions with the server's text. */
    public void errors() {
        assertThatThrownBy(() -> session.execute("SELECT * FROM " + ks + ".no_such_table"))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("no_such_table");
        assertThatThrownBy(() -> session.execute("SELEKT * FROM " + ks + ".kv"))
                .isInstanceOf(SyntaxError.class);
        assertThatThrownBy(() -> session.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".kv (pk, ck, v)"
                + " VALUES (?, 'not an int', 'x')", tag))).isInstanceOf(InvalidQueryException.class);
        // the connection is still good afterwards
        assertThat(session.execute("SELECT release_version FROM system.local").one()).isNotNull();
    }

    /** A traced request gets its tracing session id back (a header flag and a body prefix). */
    public void tracing() {
        ResultSet traced = session.execute(SimpleStatement.newInstance("SELECT v FROM " + ks + ".kv WHERE pk = ?",
                tag).setTracing(true));
        assertThat(traced.getExecutionInfo().getTracingId()).isNotNull();
    }

    /**
     * Protocol v3 has no date, time, smallint and tinyint: the server describes such columns as custom types, for
     * which the driver has no codec. Their bytes are the same in every version, so v3 binds and reads them raw.
     */
    private <T> void bind(BoundStatementBuilder bound, String column, TypeCodec<T> codec, T value) {
        if (variant.versionNumber() >= 4) {
            bound.set(column, value, codec);
        } else {
            bound.setBytesUnsafe(column, codec.encode(value, ProtocolVersion.DEFAULT));
        }
    }

    /** Reads a column bound with {@link #bind}. */
    private <T> T get(Row row, String column, TypeCodec<T> codec) {
        return variant.versionNumber() >= 4 ? row.get(column, codec)
                : codec.decode(row.getBytesUnsafe(column), ProtocolVersion.DEFAULT);
    }

    private String valueOf(String pk, int ck) {
        Row row = session.execute(SimpleStatement.newInstance("SELECT v FROM " + ks + ".kv WHERE pk = ? AND ck = ?",
                pk, ck)).one();
        return row == null ? null : row.getString(0);
    }

    private static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
