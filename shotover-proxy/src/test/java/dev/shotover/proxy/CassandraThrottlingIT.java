package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.NoRetryPolicy;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.KafkaBroker;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code RequestThrottling} at 50 requests per second (Shotover's {@code request_throttling} test), in front of the
 * shared Cassandra cluster, a redis-server and a Kafka broker: a burst of 100 concurrent requests gets 50 to 90
 * through and the rest answered with the protocol's overloaded error; a CQL BATCH costs one per statement. Each
 * phase starts after the limiter has refilled (one second without requests). One proxy for the class.
 */
class CassandraThrottlingIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static final String KEYSPACE = "throttling_it";
    /** Longer than the limiter needs to refill its burst of 50 at 50 per second. */
    private static final long REFILL_MILLIS = 1_200;

    private static RedisServer redis;
    private static KafkaBroker kafka;
    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        CassandraCluster cassandra = CassandraCluster.shared();
        redis = RedisServer.start();
        int[] kafkaPorts = FreePort.find(2);
        kafka = KafkaBroker.builder().port(kafkaPorts[0]).controllerPort(kafkaPorts[1]).start();
        proxy = ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Cassandra:
                      name: "cassandra"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - RequestThrottling:
                            max_requests_per_second: 50
                        - CassandraSinkSingle:
                            remote_address: "%s"
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - RequestThrottling:
                            max_requests_per_second: 50
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:%d"
                  - Kafka:
                      name: "kafka"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - RequestThrottling:
                            max_requests_per_second: 50
                        - KafkaSinkSingle:
                            destination_port: %d
                """.formatted(CassandraPassthroughIT.hostAndPort(cassandra.contactPoint(1)), redis.port(),
                kafka.port())).start();
        try (CqlSession direct = ProxiedSessions.forSchemaChanges(cassandra.contactPoint(1))) {
            direct.execute("CREATE KEYSPACE " + KEYSPACE
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            direct.execute("CREATE TABLE " + KEYSPACE + ".kv (k text, n int, PRIMARY KEY (k, n))");
            ProxiedSessions.awaitSchemaAgreement(direct);
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (redis != null) {
            redis.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    static Stream<CqlVariant> variants() {
        // v5: the proxy's Overloaded answers travel in segments, between the node's answers
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V4, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void cqlRequestsBeyondTheRateAreOverloadedAndBatchesCostTheirStatements(CqlVariant variant)
            throws InterruptedException {
        try (CqlSession session = ProxiedSessions.builder(proxy.address("cassandra"),
                        ProxiedSessions.config(variant.version(), variant.compression())
                                .withClass(DefaultDriverOption.RETRY_POLICY_CLASS, NoRetryPolicy.class)
                                // fewer set-up requests: the limiter counts those too
                                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                                // no heartbeat may take a cell while a burst is measured
                                .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, Duration.ofMinutes(10))
                                .build())
                .build()) {
            Thread.sleep(REFILL_MILLIS);
            assertThat(concurrentSelects(session, 50)).as("a burst within the quota all passes").isEqualTo(50);

            Thread.sleep(REFILL_MILLIS);
            assertThat(concurrentSelects(session, 100)).isBetween(50, 90);

            Thread.sleep(REFILL_MILLIS);
            session.execute(batchOf(25));
            Thread.sleep(REFILL_MILLIS);
            assertThatThrownBy(() -> session.execute(batchOf(60)))
                    .as("a batch larger than the burst never passes")
                    .isInstanceOf(OverloadedException.class).hasMessageContaining("Server overloaded");
            assertThat(session.execute("SELECT n FROM " + KEYSPACE + ".kv WHERE k = 'batch-60'").all()).isEmpty();
            assertThat(session.execute("SELECT n FROM " + KEYSPACE + ".kv WHERE k = 'batch-25'").all()).hasSize(25);
        }
    }

    /** {@return how many of {@code count} concurrent SELECTs succeeded; the others must be Overloaded} */
    private static int concurrentSelects(CqlSession session, int count) {
        List<CompletableFuture<AsyncResultSet>> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(session.executeAsync("SELECT release_version FROM system.local").toCompletableFuture());
        }
        int succeeded = 0;
        for (CompletableFuture<AsyncResultSet> request : requests) {
            try {
                assertThat(request.join().one().getString(0)).isEqualTo(CassandraCluster.VERSION);
                succeeded++;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(OverloadedException.class)
                        .hasMessageContaining("Server overloaded");
            }
        }
        return succeeded;
    }

    private static BatchStatement batchOf(int statements) {
        List<BatchableStatement<?>> inserts = new ArrayList<>();
        for (int n = 0; n < statements; n++) {
            inserts.add(SimpleStatement.newInstance("INSERT INTO " + KEYSPACE + ".kv (k, n) VALUES (?, ?)",
                    "batch-" + statements, n));
        }
        return BatchStatement.newInstance(DefaultBatchType.UNLOGGED, inserts);
    }

    @Test
    void valkeyCommandsBeyondTheRateGetAnError() throws InterruptedException {
        InetSocketAddress address = proxy.address("valkey");
        try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
            Thread.sleep(REFILL_MILLIS);
            Pipeline pipeline = jedis.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                replies.add(pipeline.get("key"));
            }
            pipeline.sync();
            int succeeded = 0;
            for (Response<String> reply : replies) {
                try {
                    assertThat(reply.get()).isNull();
                    succeeded++;
                } catch (JedisDataException e) {
                    assertThat(e).hasMessage("ERR Server overloaded");
                }
            }
            assertThat(succeeded).isBetween(50, 90);
        }
    }

    @Test
    void kafkaRequestsBeyondTheRateGetThrottlingQuotaExceeded() throws Exception {
        InetSocketAddress address = proxy.address("kafka");
        short version = 3;
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            Thread.sleep(REFILL_MILLIS);
            // 100 pipelined ApiVersions requests in one write: the proxy sees them at once
            List<RequestHeader> headers = new ArrayList<>();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 100; i++) {
                RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "throttling-it", i);
                headers.add(header);
                ByteBuffer request = new ApiVersionsRequest.Builder().build(version).serializeWithHeader(header);
                out.write(ByteBuffer.allocate(4).putInt(request.remaining()).array());
                out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
            }
            OutputStream socketOut = socket.getOutputStream();
            socketOut.write(out.toByteArray());
            socketOut.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            int succeeded = 0;
            for (RequestHeader header : headers) {
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                ApiVersionsResponse response = (ApiVersionsResponse) AbstractResponse.parseResponse(
                        ByteBuffer.wrap(body), header);
                Errors error = Errors.forCode(response.data().errorCode());
                if (error == Errors.NONE) {
                    assertThat(response.data().apiKeys()).isNotEmpty();
                    succeeded++;
                } else {
                    assertThat(error.exception()).isInstanceOf(ThrottlingQuotaExceededException.class);
                }
            }
            assertThat(succeeded).isBetween(50, 90);
        } catch (IOException e) {
            throw new AssertionError("the proxy did not answer all 100 requests", e);
        }
    }
}
