package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CassandraTestTransforms;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CQL is answered out of order, and through the proxy a slow query holds back no other query of the same connection,
 * not even those the driver sent in the same write (it multiplexes every query of a node on one connection). The
 * test transform {@code CassandraDelayMarked} makes one query slow; fifty fast ones sent right behind it on the same
 * connection are all answered while it is still running.
 */
class CassandraOutOfOrderIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        proxy = CassandraTestTransforms.proxyWith(CassandraTestTransforms.DELAY_MARKED);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    static Stream<CqlVariant> variants() {
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V4, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aSlowQueryHoldsBackNoOtherQueryOfItsConnection(CqlVariant variant) throws Exception {
        try (CqlSession session = ProxiedSessions.builder(proxy.address("cassandra"),
                ProxiedSessions.config(variant.version(), variant.compression())
                        .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
                        .build()).build()) {
            String query = "SELECT release_version FROM system.local WHERE key = 'local'";
            CompletableFuture<AsyncResultSet> slow = session
                    .executeAsync(query + " /* " + CassandraTestTransforms.SLOW_MARKER + " */").toCompletableFuture();
            List<CompletableFuture<AsyncResultSet>> fast = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fast.add(session.executeAsync(query).toCompletableFuture());
            }
            long started = System.nanoTime();
            CompletableFuture.allOf(fast.toArray(CompletableFuture[]::new))
                    .get(CassandraTestTransforms.MARKED_DELAY.toMillis() * 2, TimeUnit.MILLISECONDS);
            long fastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(slow).as("the slow query, when every fast one is answered after %d ms", fastMillis)
                    .isNotDone();
            assertThat(fastMillis).isLessThan(CassandraTestTransforms.MARKED_DELAY.toMillis());
            for (CompletableFuture<AsyncResultSet> answer : fast) {
                assertThat(answer.get().one().getString("release_version")).startsWith("5.");
            }
            assertThat(slow.get(10, TimeUnit.SECONDS).one().getString("release_version")).startsWith("5.");
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(variant.version());
        }
    }
}
