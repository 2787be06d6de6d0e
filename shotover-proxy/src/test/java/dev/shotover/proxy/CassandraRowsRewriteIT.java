package dev.shotover.proxy;

import static dev.shotover.proxy.cassandra.CassandraTestTransforms.UPPERCASE_KEYSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CassandraTestTransforms;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A transform that rewrites result rows ({@code CqlRows.mapCells}) under the Java driver's prepared statements,
 * which the driver executes with {@code SKIP_METADATA}: rows without column specs could not be decoded, so the
 * transform asks for them on each EXECUTE ({@code CqlRows.withResultMetadata}), and the driver, handed metadata it
 * did not ask for, reads the rewritten rows by its prepared statement's columns as usual. Protocol v4 and v5 (whose
 * EXECUTE also carries the result metadata id), one page and several.
 */
class CassandraRowsRewriteIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        proxy = CassandraTestTransforms.proxyWith(CassandraTestTransforms.UPPERCASE_TEXT);
        try (CqlSession session = ProxiedSessions.forSchemaChanges(CassandraCluster.shared().contactPoint(1))) {
            session.execute("CREATE KEYSPACE IF NOT EXISTS " + UPPERCASE_KEYSPACE
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE IF NOT EXISTS " + UPPERCASE_KEYSPACE
                    + ".notes (id int PRIMARY KEY, body text, stars int)");
            ProxiedSessions.awaitSchemaAgreement(session);
            for (int id = 0; id < 7; id++) {
                session.execute("INSERT INTO " + UPPERCASE_KEYSPACE + ".notes (id, body, stars) VALUES (" + id
                        + ", 'note " + id + "', " + id * 10 + ")");
            }
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @ParameterizedTest
    @EnumSource(value = DefaultProtocolVersion.class, names = {"V4", "V5"})
    void preparedSelectsAreRewrittenAlthoughTheDriverSkipsTheirMetadata(DefaultProtocolVersion version) {
        CassandraTestTransforms.EXECUTES_WITHOUT_METADATA.set(0);
        try (CqlSession session = ProxiedSessions.connect(proxy.address("cassandra"),
                new CqlVariant(version, Compression.NONE))) {
            PreparedStatement one = session.prepare("SELECT body, stars FROM " + UPPERCASE_KEYSPACE
                    + ".notes WHERE id = ?");
            Row row = session.execute(one.bind(3)).one();

            assertThat(row.getString("body")).isEqualTo("NOTE 3");
            assertThat(row.getInt("stars")).isEqualTo(30);
            // the driver did leave the metadata out: without asking for it, the rows could not have been decoded
            assertThat(CassandraTestTransforms.EXECUTES_WITHOUT_METADATA.get()).isGreaterThanOrEqualTo(1);

            // every page of a paged prepared SELECT: the paging state passes through the rewritten EXECUTE
            PreparedStatement all = session.prepare("SELECT id, body FROM " + UPPERCASE_KEYSPACE + ".notes");
            ResultSet pages = session.execute(all.bind().setPageSize(2));
            List<String> bodies = new ArrayList<>();
            for (Row each : pages) {
                bodies.add(each.getString("body"));
                assertThat(each.getString("body")).isEqualTo("NOTE " + each.getInt("id"));
            }
            assertThat(bodies).hasSize(7);
            assertThat(pages.getExecutionInfos()).hasSizeGreaterThan(3);

            // a plain query gets its metadata anyway, and is rewritten the same way
            Row plain = session.execute(SimpleStatement.newInstance("SELECT body FROM " + UPPERCASE_KEYSPACE
                    + ".notes WHERE id = 5")).one();
            assertThat(plain.getString("body")).isEqualTo("NOTE 5");
        }
    }
}
