package dev.shotover.bench.cql;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import dev.shotover.bench.cql.CqlLoadOptions.Operation;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's table and its two prepared statements on one driver session.
 *
 * <pre>
 * CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}
 * CREATE TABLE bench.kv (k int PRIMARY KEY, v blob)
 * INSERT INTO bench.kv (k, v) VALUES (?, ?)     -- random k in [0, keys), the same valueSize-byte blob
 * SELECT v FROM bench.kv WHERE k = ?            -- random k in [0, keys); expects one row
 * </pre>
 *
 * <p>Sessions connect to one endpoint only (a driver talking to the proxy must not find Cassandra's own address in
 * {@code system.peers} and go around it), without schema or token metadata (the driver would otherwise query the
 * schema tables during the runs), with {@code connections} connections and no request throttling.
 *
 * <p><b>Threading.</b> Thread-safe once built: the senders are called from the driver's I/O threads.
 */
final class CqlWorkload {
    static final String KEYSPACE = "bench";
    static final String DATACENTER = "datacenter1";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final int keys;
    private final ByteBuffer value;

    /** Prepares the statements on {@code session}; the schema must exist ({@link #createSchema}). */
    CqlWorkload(CqlSession session, int keys, int valueSize) {
        this.session = session;
        this.keys = keys;
        this.insert = session.prepare("INSERT INTO " + KEYSPACE + ".kv (k, v) VALUES (?, ?)");
        this.select = session.prepare("SELECT v FROM " + KEYSPACE + ".kv WHERE k = ?");
        byte[] bytes = new byte[valueSize];
        new Random(42).nextBytes(bytes);
        this.value = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /**
     * {@return a session to {@code address} and nothing else}
     *
     * @param connections the pool size
     * @param inFlight    requests the benchmark keeps outstanding: each connection must accept its share
     * @param protocol    {@code V4}, {@code V5}..., or null to negotiate
     * @param compression {@code none}, {@code lz4} or {@code snappy}
     */
    static CqlSession connect(InetSocketAddress address, int connections, int inFlight, String protocol,
                              String compression) {
        ProgrammaticDriverConfigLoaderBuilder config = DriverConfigLoader.programmaticBuilder()
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, connections)
                .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, Math.max(1024, inFlight))
                .withString(DefaultDriverOption.PROTOCOL_COMPRESSION, compression)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, TIMEOUT)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, TIMEOUT)
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                // one session per target and connection count is the design, not a leak
                .withInt(DefaultDriverOption.SESSION_LEAK_THRESHOLD, 64)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
        if (protocol != null) {
            config.withString(DefaultDriverOption.PROTOCOL_VERSION, protocol);
        }
        return CqlSession.builder()
                .addContactPoint(address)
                .withLocalDatacenter(DATACENTER)
                .withConfigLoader(config.build())
                // null = the load-balancing policy decides, which it may only do for the endpoint itself
                .withNodeDistanceEvaluator((node, localDc) ->
                        address.equals(node.getEndPoint().resolve()) ? null : NodeDistance.IGNORED)
                .build();
    }

    /** Creates the keyspace and table if they do not exist. */
    static void createSchema(CqlSession session) {
        session.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + " WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".kv (k int PRIMARY KEY, v blob)");
    }

    /** {@return the sender of one operation's requests, random keys} */
    CqlLoadRun.RequestSender sender(Operation operation) {
        if (operation == Operation.INSERT) {
            return () -> session.executeAsync(insert.bind(randomKey(), value.duplicate()))
                    .thenApply(result -> result.wasApplied());
        }
        // the answer is complete once the stage completes: one row, already decoded by the driver
        return () -> session.executeAsync(select.bind(randomKey())).thenApply(result -> result.remaining() == 1);
    }

    /**
     * Writes every key once, {@code inFlight} at a time, so that each SELECT finds its row.
     *
     * @throws IllegalStateException if a write failed
     */
    void fill(int inFlight) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < keys && failure.get() == null; k++) {
            permits.acquire();
            CompletionStage<?> stage = session.executeAsync(insert.bind(k, value.duplicate()));
            stage.whenComplete((result, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                permits.release();
            });
        }
        if (!permits.tryAcquire(inFlight, TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fill's last writes were not answered within " + TIMEOUT);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + KEYSPACE + ".kv failed: " + failure.get(), failure.get());
        }
    }

    private int randomKey() {
        return ThreadLocalRandom.current().nextInt(keys);
    }
}
