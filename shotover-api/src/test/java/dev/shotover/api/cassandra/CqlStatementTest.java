package dev.shotover.api.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.QueryType;
import dev.shotover.api.cassandra.CqlStatement.Assignment;
import dev.shotover.api.cassandra.CqlStatement.BatchType;
import dev.shotover.api.cassandra.CqlStatement.Kind;
import dev.shotover.api.cassandra.CqlStatement.Relation;
import dev.shotover.api.cassandra.CqlStatement.Selector;
import dev.shotover.api.cassandra.CqlStatement.Term;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CqlStatementTest {

    private static CqlStatement parse(String cql) {
        List<CqlStatement> statements = CqlStatement.parseAll(cql);
        assertThat(statements).hasSize(1);
        return statements.get(0);
    }

    private static List<String> relations(CqlStatement statement) {
        return statement.where().stream().map(Relation::toCql).toList();
    }

    @Nested
    class Select {
        @Test
        void peersV2WithAliasAndRepeatedColumn() {
            CqlStatement s = parse("SELECT peer, native_port AS p, native_port FROM system.peers_v2");

            assertThat(s.kind()).isEqualTo(Kind.SELECT);
            assertThat(s.queryType()).isEqualTo(QueryType.READ);
            assertThat(s.keyspace()).isEqualTo("system");
            assertThat(s.table()).isEqualTo("peers_v2");
            assertThat(s.qualifiedTable()).isEqualTo("system.peers_v2");
            assertThat(s.selectsAll()).isFalse();
            assertThat(s.selectors()).containsExactly(
                    new Selector("peer", "peer", null),
                    new Selector("native_port", "native_port", "p"),
                    new Selector("native_port", "native_port", null));
            assertThat(s.selectors()).extracting(Selector::resultName).containsExactly("peer", "p", "native_port");
            assertThat(s.selectsColumn("native_port")).isTrue();
            assertThat(s.selectsColumn("rpc_address")).isFalse();
            assertThat(s.where()).isEmpty();
            assertThat(s.cql()).isEqualTo("SELECT peer, native_port AS p, native_port FROM system.peers_v2");
            assertThat(s.fromBatch()).isFalse();
        }

        @Test
        void starSelectsEveryColumn() {
            CqlStatement s = parse("select * from system.peers_v2;");

            assertThat(s.selectsAll()).isTrue();
            assertThat(s.selectors()).isEmpty();
            assertThat(s.selectsColumn("native_port")).isTrue();
            assertThat(s.table()).isEqualTo("peers_v2");
        }

        @Test
        void whereRelationsWithEveryOperator() {
            CqlStatement s = parse("SELECT * FROM ks.t WHERE a = 1 AND b < 2 AND c > 3 AND d <= 4 AND e >= -5"
                    + " AND f != 'x' AND g IN (1, 2, 3) AND h CONTAINS 'v' AND i CONTAINS KEY 'k' AND j IN ?"
                    + " AND k = :named");

            assertThat(relations(s)).containsExactly("a = 1", "b < 2", "c > 3", "d <= 4", "e >= -5", "f != 'x'",
                    "g IN (1, 2, 3)", "h CONTAINS 'v'", "i CONTAINS KEY 'k'", "j IN ?", "k = :named");
            Relation in = s.where().get(6);
            assertThat(in.value().type()).isEqualTo(Term.Type.TUPLE);
            assertThat(in.value().elements()).extracting(Term::text).containsExactly("1", "2", "3");
            assertThat(s.where().get(4).value().type()).isEqualTo(Term.Type.NUMBER);
            assertThat(s.where().get(5).value().stringValue()).isEqualTo("x");
            assertThat(s.where().get(9).value().isBindMarker()).isTrue();
            assertThat(s.where().get(9).value().bindMarkerName()).isNull();
            assertThat(s.where().get(10).value().bindMarkerName()).isEqualTo("named");
        }

        @Test
        void tokenAndMultiColumnRelations() {
            CqlStatement s = parse("SELECT * FROM posts WHERE token(userid) > token('tom') AND (blog_title, posted_at)"
                    + " > ('John''s Blog', '2012-01-01') AND userid = ?");

            assertThat(s.where()).extracting(Relation::column)
                    .containsExactly("token(userid)", "(blog_title, posted_at)", "userid");
            Term token = s.where().get(0).value();
            assertThat(token.type()).isEqualTo(Term.Type.FUNCTION_CALL);
            assertThat(token.text()).isEqualTo("token('tom')");
            assertThat(s.where().get(1).value().elements()).extracting(Term::stringValue)
                    .containsExactly("John's Blog", "2012-01-01");
        }

        @Test
        void distinctJsonLimitsAndAllowFiltering() {
            CqlStatement s = parse("SELECT DISTINCT partition_key FROM ks.t WHERE v > 3 LIMIT 10 ALLOW FILTERING");

            assertThat(s.distinct()).isTrue();
            assertThat(s.json()).isFalse();
            assertThat(s.allowFiltering()).isTrue();
            assertThat(relations(s)).containsExactly("v > 3");

            CqlStatement json = parse("SELECT JSON * FROM users WHERE id = 1 PER PARTITION LIMIT 2 LIMIT 3");
            assertThat(json.json()).isTrue();
            assertThat(json.selectsAll()).isTrue();
            assertThat(json.allowFiltering()).isFalse();
            assertThat(relations(json)).containsExactly("id = 1");
        }

        @Test
        void jsonAndDistinctCanBeColumnNames() {
            CqlStatement s = parse("SELECT json, distinct FROM t");

            assertThat(s.json()).isFalse();
            assertThat(s.distinct()).isFalse();
            assertThat(s.selectors()).extracting(Selector::column).containsExactly("json", "distinct");
        }

        @Test
        void functionSelectorsKeepTheirText() {
            CqlStatement s = parse("SELECT count(*) AS n, writetime(v), CAST(x AS text), ttl(\"V\") FROM ks.t"
                    + " GROUP BY k ORDER BY c DESC");

            assertThat(s.selectors()).containsExactly(
                    new Selector(null, "count(*)", "n"),
                    new Selector(null, "writetime(v)", null),
                    new Selector(null, "CAST(x AS text)", null),
                    new Selector(null, "ttl(\"V\")", null));
            assertThat(s.selectsColumn("v")).isFalse();
        }

        @Test
        void quotedNamesKeepTheirCaseUnquotedAreLowerCased() {
            CqlStatement s = parse("SELECT \"MyColumn\", OtherColumn FROM \"MyKs\".\"My\"\"Table\" WHERE \"Key\" = 1");

            assertThat(s.keyspace()).isEqualTo("MyKs");
            assertThat(s.table()).isEqualTo("My\"Table");
            assertThat(s.selectors()).extracting(Selector::column).containsExactly("MyColumn", "othercolumn");
            assertThat(s.where()).extracting(Relation::column).containsExactly("Key");

            CqlStatement upper = parse("SELECT * FROM MyKs.MyTable");
            assertThat(upper.keyspace()).isEqualTo("myks");
            assertThat(upper.table()).isEqualTo("mytable");
        }

        @Test
        void commentsAndOddSpacingAreIgnored() {
            CqlStatement s = parse("-- leading comment\n  SELECT /* inline */ a // trailing\n FROM ks.t\tWHERE"
                    + " k=5;");

            assertThat(s.kind()).isEqualTo(Kind.SELECT);
            assertThat(s.selectors()).extracting(Selector::column).containsExactly("a");
            assertThat(relations(s)).containsExactly("k = 5");
        }

        @Test
        void literalsOfEveryKind() {
            CqlStatement s = parse("SELECT * FROM t WHERE a = 0xCAFE AND b = 123e4567-e89b-12d3-a456-426614174000"
                    + " AND c = 1h30m AND d = true AND e = NULL AND f = 1.5e-3 AND g = -NaN AND h = $$it's$$"
                    + " AND i = [1, 2] AND j = {'a': 1} AND k = {1, 2} AND l = P1Y2M AND m = now()"
                    + " AND n = a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

            assertThat(s.where()).extracting(r -> r.value().type()).containsExactly(
                    Term.Type.BLOB, Term.Type.UUID, Term.Type.DURATION, Term.Type.BOOLEAN, Term.Type.NULL,
                    Term.Type.NUMBER, Term.Type.NUMBER, Term.Type.STRING, Term.Type.LIST, Term.Type.MAP,
                    Term.Type.SET, Term.Type.DURATION, Term.Type.FUNCTION_CALL, Term.Type.UUID);
            assertThat(s.where().get(5).value().text()).isEqualTo("1.5e-3");
            assertThat(s.where().get(7).value().stringValue()).isEqualTo("it's");
            assertThat(s.where().get(9).value().elements()).extracting(Term::text).containsExactly("'a'", "1");
            assertThat(s.where().stream().allMatch(r -> r.value().isLiteral() == (r.value().type()
                    != Term.Type.LIST && r.value().type() != Term.Type.MAP && r.value().type() != Term.Type.SET
                    && r.value().type() != Term.Type.FUNCTION_CALL))).isTrue();
        }

        @Test
        void unknownRelationFormsAreSkippedNotFatal() {
            CqlStatement s = parse("SELECT * FROM t WHERE a = 1 AND b BETWEEN 1 AND 5 AND c = 2");

            assertThat(s.kind()).isEqualTo(Kind.SELECT);
            assertThat(s.table()).isEqualTo("t");
            // "b BETWEEN 1" and "5" are not relations the parser knows; the others survive
            assertThat(relations(s)).containsExactly("a = 1", "c = 2");
        }
    }

    @Nested
    class Writes {
        @Test
        void insertWithColumnsValuesLwtAndTtl() {
            CqlStatement s = parse("INSERT INTO cycling.cyclist_name (id, lastname, firstname) VALUES"
                    + " (5b6962dd-3f90-4c93-8f61-eabfa4a803e2, 'VOS', ?) IF NOT EXISTS USING TTL 86400");

            assertThat(s.kind()).isEqualTo(Kind.INSERT);
            assertThat(s.queryType()).isEqualTo(QueryType.WRITE);
            assertThat(s.keyspace()).isEqualTo("cycling");
            assertThat(s.table()).isEqualTo("cyclist_name");
            assertThat(s.insertColumns()).containsExactly("id", "lastname", "firstname");
            assertThat(s.insertValues()).extracting(Term::type)
                    .containsExactly(Term.Type.UUID, Term.Type.STRING, Term.Type.BIND_MARKER);
            assertThat(s.assignments()).extracting(Assignment::operator).containsOnly("=");
            assertThat(s.conditional()).isTrue();
        }

        @Test
        void insertWithTimestampWithoutLwt() {
            CqlStatement s = parse("INSERT INTO t (k, v, m) VALUES (1, [1, 2], {'a': 'b'}) USING TIMESTAMP 123"
                    + " AND TTL 5");

            assertThat(s.conditional()).isFalse();
            assertThat(s.insertValues()).extracting(Term::text).containsExactly("1", "[1, 2]", "{'a': 'b'}");
            assertThat(s.insertValues().get(1).elements()).hasSize(2);
        }

        @Test
        void insertJson() {
            CqlStatement s = parse("INSERT INTO ks.users JSON '{\"id\": 1}' DEFAULT UNSET");

            assertThat(s.kind()).isEqualTo(Kind.INSERT);
            assertThat(s.json()).isTrue();
            assertThat(s.table()).isEqualTo("users");
            assertThat(s.assignments()).isEmpty();
        }

        @Test
        void updateWithUsingSetForms() {
            CqlStatement s = parse("UPDATE ks.t USING TTL 400 SET a = 'x', c = c + 1, m['k'] = 'v', l[0] = ?,"
                    + " addr.street = 'Main', n += 2 WHERE id = 7 AND ck IN (1, 2) IF a = 'y'");

            assertThat(s.kind()).isEqualTo(Kind.UPDATE);
            assertThat(s.table()).isEqualTo("t");
            assertThat(s.assignments()).extracting(Assignment::column)
                    .containsExactly("a", "c", "m", "l", "addr", "n");
            assertThat(s.assignments()).extracting(Assignment::element)
                    .containsExactly(null, null, "'k'", "0", "street", null);
            assertThat(s.assignments()).extracting(Assignment::operator)
                    .containsExactly("=", "=", "=", "=", "=", "+=");
            assertThat(s.assignments().get(1).value().type()).isEqualTo(Term.Type.EXPRESSION);
            assertThat(s.assignments().get(1).value().text()).isEqualTo("c + 1");
            assertThat(s.assignments().get(3).value().isBindMarker()).isTrue();
            assertThat(relations(s)).containsExactly("id = 7", "ck IN (1, 2)");
            assertThat(s.conditional()).isTrue();
        }

        @Test
        void updateIfExists() {
            CqlStatement s = parse("UPDATE users SET age = 3 WHERE id = 1 IF EXISTS");

            assertThat(s.conditional()).isTrue();
            assertThat(relations(s)).containsExactly("id = 1");
            assertThat(parse("UPDATE users SET age = 3 WHERE id = 1").conditional()).isFalse();
        }

        @Test
        void deleteRowAndColumns() {
            CqlStatement row = parse("DELETE FROM ks.t USING TIMESTAMP 5 WHERE id = 1 IF EXISTS");
            assertThat(row.kind()).isEqualTo(Kind.DELETE);
            assertThat(row.queryType()).isEqualTo(QueryType.WRITE);
            assertThat(row.selectors()).isEmpty();
            assertThat(row.table()).isEqualTo("t");
            assertThat(relations(row)).containsExactly("id = 1");
            assertThat(row.conditional()).isTrue();

            CqlStatement columns = parse("DELETE a, m['k'] FROM t WHERE id IN (1, 2)");
            assertThat(columns.selectors()).containsExactly(new Selector("a", "a", null),
                    new Selector(null, "m['k']", null));
            assertThat(columns.conditional()).isFalse();
        }

        @Test
        void truncate() {
            assertThat(parse("TRUNCATE ks.t")).extracting(CqlStatement::kind, CqlStatement::keyspace,
                    CqlStatement::table).containsExactly(Kind.TRUNCATE, "ks", "t");
            assertThat(parse("TRUNCATE TABLE t").table()).isEqualTo("t");
            assertThat(parse("truncate t").queryType()).isEqualTo(QueryType.WRITE);
        }

        @Test
        void replaceTermsRewritesOnlyTheGivenValues() {
            String cql = "INSERT INTO ks.t (id, secret, other) VALUES (1, 'plain', 'keep')";
            CqlStatement s = parse(cql);
            Term secret = s.insertValues().get(1);

            assertThat(cql.substring(secret.start(), secret.end())).isEqualTo("'plain'");
            assertThat(s.replaceTerms(Map.of(secret, "0xdeadbeef")))
                    .isEqualTo("INSERT INTO ks.t (id, secret, other) VALUES (1, 0xdeadbeef, 'keep')");
            assertThat(s.replaceTerms(Map.of(s.insertValues().get(2), "'x'", s.insertValues().get(0), "2")))
                    .isEqualTo("INSERT INTO ks.t (id, secret, other) VALUES (2, 'plain', 'x')");
        }

        @Test
        void replaceTermsRejectsForeignTerms() {
            CqlStatement s = parse("INSERT INTO t (a) VALUES (1)");
            Term foreign = parse("INSERT INTO t (a) VALUES ('zzzzzzzzzzz')").insertValues().get(0);

            assertThatThrownBy(() -> s.replaceTerms(Map.of(foreign, "2")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Batches {
        @Test
        void batchStringIsSplitIntoItsStatements() {
            String cql = "BEGIN BATCH\n"
                    + "  INSERT INTO ks.t (id, v) VALUES (1, 'a');\n"
                    + "  UPDATE ks.t SET v = 'b' WHERE id = 2\n"
                    + "  DELETE FROM other WHERE id = 3;\n"
                    + "APPLY BATCH;";
            List<CqlStatement> statements = CqlStatement.parseAll(cql);

            assertThat(statements).extracting(CqlStatement::kind)
                    .containsExactly(Kind.INSERT, Kind.UPDATE, Kind.DELETE);
            assertThat(statements).allMatch(CqlStatement::fromBatch);
            assertThat(statements).extracting(CqlStatement::batchType).containsOnly(BatchType.LOGGED);
            assertThat(statements).extracting(CqlStatement::cql).containsExactly(
                    "INSERT INTO ks.t (id, v) VALUES (1, 'a')",
                    "UPDATE ks.t SET v = 'b' WHERE id = 2",
                    "DELETE FROM other WHERE id = 3");
            assertThat(statements.get(1).where()).extracting(Relation::toCql).containsExactly("id = 2");
            // term offsets are relative to each inner statement's own text
            Term value = statements.get(0).insertValues().get(1);
            assertThat(statements.get(0).cql().substring(value.start(), value.end())).isEqualTo("'a'");
        }

        @Test
        void unloggedAndCounterBatchesWithTimestamp() {
            List<CqlStatement> unlogged = CqlStatement.parseAll(
                    "begin unlogged batch using timestamp 1234 insert into t (a) values (1) apply batch");
            assertThat(unlogged).singleElement().satisfies(s -> {
                assertThat(s.kind()).isEqualTo(Kind.INSERT);
                assertThat(s.batchType()).isEqualTo(BatchType.UNLOGGED);
                assertThat(s.insertColumns()).containsExactly("a");
            });

            List<CqlStatement> counter = CqlStatement.parseAll("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k"
                    + " = 1; UPDATE c SET n = n - 1 WHERE k = 2; APPLY BATCH");
            assertThat(counter).hasSize(2).allMatch(s -> s.batchType() == BatchType.COUNTER);
        }

        @Test
        void emptyBatchIsOneBatchStatement() {
            CqlStatement s = parse("BEGIN BATCH APPLY BATCH");

            assertThat(s.kind()).isEqualTo(Kind.BATCH);
            assertThat(s.queryType()).isEqualTo(QueryType.WRITE);
            assertThat(s.fromBatch()).isTrue();
        }

        @Test
        void semicolonInsideAStringDoesNotSplit() {
            List<CqlStatement> statements = CqlStatement.parseAll(
                    "BEGIN BATCH INSERT INTO t (a) VALUES ('x; APPLY BATCH; DELETE'); APPLY BATCH");

            assertThat(statements).singleElement().satisfies(s ->
                    assertThat(s.insertValues().get(0).stringValue()).isEqualTo("x; APPLY BATCH; DELETE"));
        }
    }

    @Nested
    class Schema {
        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "-", textBlock = """
                CREATE KEYSPACE IF NOT EXISTS cycling WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} | CREATE | KEYSPACE | cycling | - | cycling | true
                CREATE SCHEMA ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND durable_writes = false | CREATE | KEYSPACE | ks | - | ks | false
                ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2} | ALTER | KEYSPACE | ks | - | ks | false
                DROP KEYSPACE IF EXISTS ks | DROP | KEYSPACE | ks | - | ks | true
                CREATE TABLE cycling.race_winners (race_name text, race_position int, PRIMARY KEY (race_name, race_position)) WITH CLUSTERING ORDER BY (race_position ASC) | CREATE | TABLE | cycling | race_winners | race_winners | false
                CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY, v vector<float, 3>) | CREATE | TABLE | - | t | t | true
                CREATE COLUMNFAMILY ks.cf (k int PRIMARY KEY) | CREATE | TABLE | ks | cf | cf | false
                ALTER TABLE ks.t ADD email text | ALTER | TABLE | ks | t | t | false
                ALTER TABLE IF EXISTS ks.t WITH comment = 'x' | ALTER | TABLE | ks | t | t | true
                DROP TABLE ks.t | DROP | TABLE | ks | t | t | false
                CREATE INDEX user_state ON myschema.users (state) | CREATE | INDEX | myschema | users | user_state | false
                CREATE INDEX ON users (KEYS(m)) | CREATE | INDEX | - | users | - | false
                CREATE INDEX IF NOT EXISTS idx ON ks.t (v) | CREATE | INDEX | ks | t | idx | true
                CREATE CUSTOM INDEX ann ON ks.t (v) USING 'StorageAttachedIndex' | CREATE | INDEX | ks | t | ann | false
                DROP INDEX ks.user_state | DROP | INDEX | ks | - | user_state | false
                CREATE TYPE IF NOT EXISTS cycling.fullname (firstname text, lastname text) | CREATE | TYPE | cycling | - | fullname | true
                ALTER TYPE cycling.fullname ADD middlename text | ALTER | TYPE | cycling | - | fullname | false
                DROP TYPE fullname | DROP | TYPE | - | - | fullname | false
                CREATE OR REPLACE FUNCTION cycling.fLog (input double) CALLED ON NULL INPUT RETURNS double LANGUAGE java AS $$return Double.valueOf(Math.log(input.doubleValue()));$$ | CREATE | FUNCTION | cycling | - | flog | false
                DROP FUNCTION IF EXISTS cycling.fLog | DROP | FUNCTION | cycling | - | flog | true
                CREATE AGGREGATE ks.average(int) SFUNC avgState STYPE tuple<int,bigint> FINALFUNC avgFinal INITCOND (0,0) | CREATE | AGGREGATE | ks | - | average | false
                CREATE MATERIALIZED VIEW cycling.cyclist_by_age AS SELECT age, name FROM cycling.cyclist_mv WHERE age IS NOT NULL AND cid IS NOT NULL PRIMARY KEY (age, cid) | CREATE | MATERIALIZED VIEW | cycling | cyclist_by_age | cyclist_by_age | false
                DROP MATERIALIZED VIEW cycling.cyclist_by_age | DROP | MATERIALIZED VIEW | cycling | cyclist_by_age | cyclist_by_age | false
                CREATE TRIGGER myTrigger ON ks.t USING 'org.apache.cassandra.triggers.AuditTrigger' | CREATE | TRIGGER | ks | t | mytrigger | false
                DROP TRIGGER myTrigger ON ks.t | DROP | TRIGGER | ks | t | mytrigger | false
                CREATE ROLE IF NOT EXISTS coach WITH PASSWORD = 'All4One2day!' AND LOGIN = true | CREATE | ROLE | - | - | coach | true
                ALTER ROLE coach WITH PASSWORD = 'x' | ALTER | ROLE | - | - | coach | false
                DROP ROLE IF EXISTS coach | DROP | ROLE | - | - | coach | true
                CREATE USER 'alice' WITH PASSWORD 'pw' SUPERUSER | CREATE | USER | - | - | alice | false
                DROP USER alice | DROP | USER | - | - | alice | false
                """)
        void ddl(String cql, Kind kind, String objectType, String keyspace, String table, String objectName,
                 boolean conditional) {
            CqlStatement s = parse(cql);

            assertThat(s.kind()).isEqualTo(kind);
            assertThat(s.queryType()).isEqualTo(QueryType.SCHEMA_CHANGE);
            assertThat(s.objectType()).isEqualTo(objectType);
            assertThat(s.keyspace()).isEqualTo(keyspace);
            assertThat(s.table()).isEqualTo(table);
            assertThat(s.objectName()).isEqualTo(objectName);
            assertThat(s.conditional()).isEqualTo(conditional);
        }

        @Test
        void use() {
            CqlStatement s = parse("USE \"MyKeyspace\";");

            assertThat(s.kind()).isEqualTo(Kind.USE);
            assertThat(s.queryType()).isEqualTo(QueryType.SCHEMA_CHANGE);
            assertThat(s.useKeyspace()).isEqualTo("MyKeyspace");
            assertThat(s.keyspace()).isEqualTo("MyKeyspace");
            assertThat(parse("use Cycling").useKeyspace()).isEqualTo("cycling");
            assertThat(parse("SELECT * FROM ks.t").useKeyspace()).isNull();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "-", textBlock = """
                GRANT SELECT ON ALL KEYSPACES TO data_reader | GRANT | PERMISSION | - | - | data_reader
                GRANT MODIFY ON KEYSPACE cycling TO cycling_admin | GRANT | PERMISSION | cycling | - | cycling_admin
                GRANT ALL PERMISSIONS ON TABLE cycling.name TO coach | GRANT | PERMISSION | cycling | name | coach
                GRANT SELECT ON cycling.name TO coach | GRANT | PERMISSION | cycling | name | coach
                GRANT EXECUTE ON ALL FUNCTIONS IN KEYSPACE cycling TO coach | GRANT | PERMISSION | cycling | - | coach
                GRANT AUTHORIZE ON ROLE team TO manager | GRANT | PERMISSION | - | - | manager
                GRANT team TO 'alice' | GRANT | ROLE | - | - | alice
                REVOKE SELECT ON ALL KEYSPACES FROM data_reader | REVOKE | PERMISSION | - | - | data_reader
                REVOKE team FROM alice | REVOKE | ROLE | - | - | alice
                """)
        void grantAndRevoke(String cql, Kind kind, String objectType, String keyspace, String table, String grantee) {
            CqlStatement s = parse(cql);

            assertThat(s.kind()).isEqualTo(kind);
            assertThat(s.queryType()).isEqualTo(QueryType.SCHEMA_CHANGE);
            assertThat(s.objectType()).isEqualTo(objectType);
            assertThat(s.keyspace()).isEqualTo(keyspace);
            assertThat(s.table()).isEqualTo(table);
            assertThat(s.objectName()).isEqualTo(grantee);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "-", textBlock = """
                LIST ROLES | ROLES | - | - | -
                LIST ROLES OF coach NORECURSIVE | ROLES | - | - | coach
                LIST USERS | USERS | - | - | -
                LIST ALL PERMISSIONS OF sam | PERMISSIONS | - | - | sam
                LIST ALL PERMISSIONS ON cycling.cyclist_name OF sam | PERMISSIONS | cycling | cyclist_name | sam
                LIST SELECT ON KEYSPACE ks | PERMISSIONS | ks | - | -
                """)
        void list(String cql, String objectType, String keyspace, String table, String role) {
            CqlStatement s = parse(cql);

            assertThat(s.kind()).isEqualTo(Kind.LIST);
            assertThat(s.queryType()).isEqualTo(QueryType.READ);
            assertThat(s.objectType()).isEqualTo(objectType);
            assertThat(s.keyspace()).isEqualTo(keyspace);
            assertThat(s.table()).isEqualTo(table);
            assertThat(s.objectName()).isEqualTo(role);
        }
    }

    @Nested
    class Keyspaces {
        @Test
        void unqualifiedTablesResolveAgainstTheCurrentKeyspace() {
            CqlStatement s = parse("SELECT * FROM users WHERE id = 1").withKeyspace("app");

            assertThat(s.keyspace()).isEqualTo("app");
            assertThat(s.table()).isEqualTo("users");
            assertThat(s.qualifiedTable()).isEqualTo("app.users");
            assertThat(s.cql()).isEqualTo("SELECT * FROM users WHERE id = 1");
            assertThat(s.where()).extracting(Relation::toCql).containsExactly("id = 1");
        }

        @Test
        void qualifiedOrTablelessStatementsAreUnchanged() {
            CqlStatement qualified = parse("SELECT * FROM other.users");
            assertThat(qualified.withKeyspace("app")).isSameAs(qualified);

            CqlStatement role = parse("CREATE ROLE r");
            assertThat(role.withKeyspace("app")).isSameAs(role);

            CqlStatement use = parse("USE ks2");
            assertThat(use.withKeyspace("app").keyspace()).isEqualTo("ks2");

            CqlStatement noKeyspace = parse("SELECT * FROM users");
            assertThat(noKeyspace.withKeyspace(null)).isSameAs(noKeyspace);
        }

        @Test
        void keyspaceScopedSchemaObjectsResolveToo() {
            assertThat(parse("CREATE TYPE address (street text)").withKeyspace("app").keyspace()).isEqualTo("app");
            assertThat(parse("DROP INDEX idx").withKeyspace("app").keyspace()).isEqualTo("app");
            assertThat(parse("TRUNCATE t").withKeyspace("app").qualifiedTable()).isEqualTo("app.t");
        }
    }

    @Nested
    class Tolerance {
        @ParameterizedTest
        @ValueSource(strings = {"SELECT 'unterminated FROM t", "SELECT * FROM \"unterminated",
            "SELECT * FROM t /* unterminated comment", "SELECT $$ unterminated FROM t"})
        void lexicalErrorsGiveOneUnknownStatementWithTheText(String cql) {
            CqlStatement s = parse(cql);

            assertThat(s.kind()).isEqualTo(Kind.UNKNOWN);
            assertThat(s.queryType()).isEqualTo(QueryType.READ);
            assertThat(s.cql()).isEqualTo(cql);
            assertThat(s.table()).isNull();
        }

        @Test
        void unknownStatementsAndEmptyText() {
            assertThat(parse("DESCRIBE KEYSPACES").kind()).isEqualTo(Kind.UNKNOWN);
            assertThat(parse("(garbage").kind()).isEqualTo(Kind.UNKNOWN);
            assertThat(parse("").kind()).isEqualTo(Kind.UNKNOWN);
            assertThat(parse("  -- only a comment").cql()).isEqualTo("  -- only a comment");
            assertThat(parse("BEGIN TRANSACTION").kind()).isEqualTo(Kind.UNKNOWN);
        }

        @Test
        void truncatedStatementsKeepTheirKindAndWhatWasUnderstood() {
            CqlStatement select = parse("SELECT a, b FROM");
            assertThat(select.kind()).isEqualTo(Kind.SELECT);
            assertThat(select.selectors()).extracting(Selector::column).containsExactly("a", "b");
            assertThat(select.table()).isNull();

            CqlStatement insert = parse("INSERT INTO ks.t (a, b) VALUES (1,");
            assertThat(insert.kind()).isEqualTo(Kind.INSERT);
            assertThat(insert.queryType()).isEqualTo(QueryType.WRITE);
            assertThat(insert.table()).isEqualTo("t");

            assertThat(parse("UPDATE").kind()).isEqualTo(Kind.UPDATE);
            assertThat(parse("DROP").queryType()).isEqualTo(QueryType.SCHEMA_CHANGE);
            assertThat(parse("SELECT").kind()).isEqualTo(Kind.SELECT);
        }

        @Test
        void severalStatementsInOneString() {
            List<CqlStatement> statements = CqlStatement.parseAll("SELECT * FROM a; INSERT INTO b (x) VALUES (1);;");

            assertThat(statements).extracting(CqlStatement::kind).containsExactly(Kind.SELECT, Kind.INSERT);
            assertThat(statements).extracting(CqlStatement::cql)
                    .containsExactly("SELECT * FROM a", "INSERT INTO b (x) VALUES (1)");
            assertThat(statements).noneMatch(CqlStatement::fromBatch);
        }

        @Test
        void theFourArgumentConstructorLeavesDetailsEmpty() {
            CqlStatement s = new CqlStatement("SELECT 1", Kind.SELECT, "ks", "t");

            assertThat(s.selectors()).isEmpty();
            assertThat(s.where()).isEmpty();
            assertThat(s.assignments()).isEmpty();
            assertThat(s.batchType()).isNull();
        }
    }
}
