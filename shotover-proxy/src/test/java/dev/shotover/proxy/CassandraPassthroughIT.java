package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultProtocolVersion;
import com.datastax.oss.driver.api.core.UnsupportedProtocolVersionException;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.SchemaChangeListenerBase;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.protocols.cassandra.CqlFrameParser;
import dev.shotover.proxy.cassandra.CassandraSessions.Compression;
import dev.shotover.proxy.cassandra.CassandraTestTransforms;
import dev.shotover.proxy.cassandra.CassandraTestTransforms.Captured;
import dev.shotover.proxy.cassandra.CqlSuite;
import dev.shotover.proxy.cassandra.CqlVariant;
import dev.shotover.proxy.cassandra.ProxiedSessions;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import dev.shotover.testsupport.LogCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java driver 4.19 through {@code Cassandra source → CassandraSinkSingle → node 1} of the shared 3-node cluster
 * (Shotover's {@code passthrough_standard}, {@code passthrough_encode}, {@code events_keyspace} and protocol tests).
 * One proxy for the class, with three sources: the plain chain, whose recorder captures every envelope for the codec
 * round trip at the end; a chain that re-encodes every message from its parsed frame; and a source that offers at
 * most protocol v4. Sessions are pinned to the proxy ({@link ProxiedSessions}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraPassthroughIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static final String KEYSPACE = "passthrough";
    /** The variants whose suite also creates, alters and drops a keyspace, type and table. */
    private static final Set<CqlVariant> DDL_VARIANTS = Set.of(
            new CqlVariant(DefaultProtocolVersion.V3, Compression.SNAPPY),
            new CqlVariant(DefaultProtocolVersion.V4, Compression.NONE),
            new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    /** Encodes without leak tracking: with paranoid detection every buffer records a stack trace. */
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    private static ShotoverProxy proxy;

    @BeforeAll
    static void start() {
        CassandraCluster cassandra = CassandraCluster.shared();
        CassandraTestTransforms.CAPTURED.clear();
        proxy = ShotoverProxy.builder()
                .registerTransform(CassandraTestTransforms.RECORDER, CassandraTestTransforms.FORCE_ENCODE)
                .topologyYaml("""
                        sources:
                          - Cassandra:
                              name: "cassandra"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - CassandraRecorder
                                - CassandraSinkSingle:
                                    remote_address: "%1$s"
                          - Cassandra:
                              name: "cassandra-encode"
                              listen_addr: "127.0.0.1:0"
                              chain:
                                - CassandraForceEncode
                                - CassandraSinkSingle:
                                    remote_address: "%1$s"
                          - Cassandra:
                              name: "cassandra-v4"
                              listen_addr: "127.0.0.1:0"
                              max_protocol_version: 4
                              chain:
                                - CassandraSinkSingle:
                                    remote_address: "%1$s"
                        """.formatted(hostAndPort(cassandra.contactPoint(1))))
                .start();
        try (CqlSession session = ProxiedSessions.forSchemaChanges(proxy.address("cassandra"))) {
            CqlSuite.createSchema(session, KEYSPACE);
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        // the driver that insists on v5 against the v4-only source says why it fails
        logs.assertNoUnexpectedWarnOrError("Host does not support protocol version V5");
    }

    static Stream<CqlVariant> variants() {
        return CqlVariant.all().stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void standardSuite(CqlVariant variant) {
        InetSocketAddress address = proxy.address("cassandra");
        try (CqlSession session = ProxiedSessions.connect(address, variant);
             CqlSession keyspaceSession = ProxiedSessions.connect(address, variant, KEYSPACE)) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(variant.version());
            // schema changes cost ~10 s a variant (three nodes agree on each): once per protocol version
            boolean withDdl = DDL_VARIANTS.contains(variant);
            new CqlSuite(session, KEYSPACE, variant).runAll(keyspaceSession, withDdl);
        }
    }

    @Order(2)
    @Test
    void pagingOverTenThousandRowsWithV5Lz4Segments() {
        CqlVariant variant = new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4);
        try (CqlSession session = ProxiedSessions.connect(proxy.address("cassandra"), variant)) {
            new CqlSuite(session, KEYSPACE, variant).pagingOver(10_000, 1000);
        }
    }

    static Stream<CqlVariant> eventVariants() {
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V3, Compression.SNAPPY),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    /**
     * The driver learns of a keyspace another client created only through the SCHEMA_CHANGE event its control
     * connection registered for: the proxy must forward the node's unsolicited EVENT envelopes.
     */
    @Order(3)
    @ParameterizedTest(name = "{0}")
    @MethodSource("eventVariants")
    void schemaChangeEventsOfAnotherClientReachTheDriver(CqlVariant variant) {
        List<String> created = new CopyOnWriteArrayList<>();
        List<String> dropped = new CopyOnWriteArrayList<>();
        String keyspace = "events_" + variant.tag();
        try (CqlSession listening = ProxiedSessions.builder(proxy.address("cassandra"),
                        ProxiedSessions.config(variant.version(), variant.compression()).build())
                .withSchemaChangeListener(new SchemaChangeListenerBase() {
                    @Override
                    public void onKeyspaceCreated(KeyspaceMetadata keyspaceMetadata) {
                        created.add(keyspaceMetadata.getName().asInternal());
                    }

                    @Override
                    public void onKeyspaceDropped(KeyspaceMetadata keyspaceMetadata) {
                        dropped.add(keyspaceMetadata.getName().asInternal());
                    }
                })
                .build();
             CqlSession other = ProxiedSessions.forSchemaChanges(CassandraCluster.shared().contactPoint(2))) {
            other.execute("CREATE KEYSPACE " + keyspace
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(created).contains(keyspace));
            assertThat(listening.getMetadata().getKeyspace(keyspace)).isPresent();
            other.execute("DROP KEYSPACE " + keyspace);
            // also lets the driver finish the refresh this event started before the session closes
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dropped).contains(keyspace));
            assertThat(listening.getMetadata().getKeyspace(keyspace)).isEmpty();
        }
        assertThat(CassandraTestTransforms.CAPTURED).as("the recorder saw the EVENT envelope pass")
                .anySatisfy(captured -> {
                    assertThat(captured.opcode()).isEqualTo(ProtocolConstants.Opcode.EVENT);
                    assertThat(captured.version()).isEqualTo(variant.versionNumber());
                });
    }

    @Order(4)
    @Test
    void driverDowngradesToWhatTheSourceOffers() {
        // negotiating against the plain source: the driver starts at v5 and keeps it
        try (CqlSession session = ProxiedSessions.builder(proxy.address("cassandra"),
                ProxiedSessions.config(null, Compression.LZ4).build()).build()) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(DefaultProtocolVersion.V5);
        }

        double v4Before = versionCount("v4");
        double v5Before = versionCount("v5");
        InetSocketAddress v4Only = proxy.address("cassandra-v4");
        try (CqlSession session = ProxiedSessions.builder(v4Only, ProxiedSessions.config(null, Compression.LZ4)
                .build()).build()) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(DefaultProtocolVersion.V4);
            CqlSuite suite = new CqlSuite(session, KEYSPACE, new CqlVariant(DefaultProtocolVersion.V4,
                    Compression.LZ4), "downgraded");
            suite.nativeTypes();
            suite.paging();
        }
        assertThat(versionCount("v4") - v4Before).as("STARTUPs in v4: control and pool connection")
                .isGreaterThanOrEqualTo(2);
        assertThat(versionCount("v5") - v5Before).as("the refused v5 attempt never got to a STARTUP").isZero();
        assertThat(proxy.metrics().scrape()).contains("shotover_client_protocol_version_count{version=\"v4\"}");

        // a driver that insists on v5 is refused with the server's own message
        assertThatThrownBy(() -> ProxiedSessions.connect(v4Only,
                new CqlVariant(DefaultProtocolVersion.V5, Compression.NONE)))
                .isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(((AllNodesFailedException) e).getAllErrors().values().stream()
                        .flatMap(List::stream))
                        .anySatisfy(error -> assertThat(error)
                                .isInstanceOf(UnsupportedProtocolVersionException.class)));
    }

    private static double versionCount(String version) {
        return proxy.metrics().counter("shotover_client_protocol_version_count", "version", version).count();
    }

    static Stream<CqlVariant> encodeVariants() {
        return Stream.of(new CqlVariant(DefaultProtocolVersion.V3, Compression.LZ4),
                new CqlVariant(DefaultProtocolVersion.V4, Compression.SNAPPY),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.NONE),
                new CqlVariant(DefaultProtocolVersion.V5, Compression.LZ4));
    }

    /** Every request and response re-encoded from its decoded frame (Shotover's passthrough_encode). */
    @Order(5)
    @ParameterizedTest(name = "{0}")
    @MethodSource("encodeVariants")
    void suiteThroughAChainThatReEncodesEveryMessage(CqlVariant variant) {
        InetSocketAddress address = proxy.address("cassandra-encode");
        try (CqlSession session = ProxiedSessions.connect(address, variant);
             CqlSession keyspaceSession = ProxiedSessions.connect(address, variant, KEYSPACE)) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(variant.version());
            CqlSuite suite = new CqlSuite(session, KEYSPACE, variant, "encoded_" + variant.tag());
            suite.nativeTypes();
            suite.collections();
            suite.udts();
            suite.prepared(keyspaceSession);
            suite.batches();
            suite.paging();
            suite.lightweightTransactions();
            suite.largeValues();
            suite.errors();
            suite.tracing();
        }
    }

    /**
     * Decoding and re-encoding every envelope the recorder captured in the tests above gives back the same bytes:
     * real traffic of every protocol version and compression, requests, responses and events.
     */
    @Order(10)
    @Test
    void everyCapturedEnvelopeSurvivesDecodeAndEncode() {
        List<Captured> captured = List.copyOf(CassandraTestTransforms.CAPTURED);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Captured envelope : captured) {
            String key = "v" + envelope.version() + " " + envelope.connection().compression() + " "
                    + (envelope.request() ? "requests" : "responses");
            counts.merge(key, 1, Integer::sum);
            ByteBuf encoded = null;
            try {
                CassandraFrame frame = CqlFrameParser.INSTANCE.parse(Unpooled.wrappedBuffer(envelope.bytes()));
                encoded = CqlFrameParser.encode(frame, UNTRACKED);
                byte[] bytes = ByteBufUtil.getBytes(encoded);
                if (!Arrays.equals(bytes, envelope.bytes())) {
                    failures.add(key + " opcode " + envelope.opcode() + ": re-encoded differently");
                }
            } catch (RuntimeException e) {
                failures.add(key + " opcode " + envelope.opcode() + ": " + e);
            } finally {
                if (encoded != null) {
                    encoded.release();
                }
            }
        }
        System.out.println("CQL codec round trip over " + captured.size() + " captured envelopes: " + counts);
        assertThat(failures).isEmpty();
        for (CqlVariant variant : CqlVariant.all()) {
            String prefix = "v" + variant.versionNumber() + " " + variant.compression().driverName() + " ";
            assertThat(counts).as("captures of %s", variant).containsKey(prefix + "requests")
                    .containsKey(prefix + "responses");
            assertThat(counts.get(prefix + "requests")).isGreaterThan(100);
        }
        Set<Integer> opcodes = captured.stream().map(Captured::opcode).collect(Collectors.toSet());
        assertThat(opcodes).contains(ProtocolConstants.Opcode.STARTUP, ProtocolConstants.Opcode.REGISTER,
                ProtocolConstants.Opcode.QUERY, ProtocolConstants.Opcode.PREPARE, ProtocolConstants.Opcode.EXECUTE,
                ProtocolConstants.Opcode.BATCH, ProtocolConstants.Opcode.READY, ProtocolConstants.Opcode.RESULT,
                ProtocolConstants.Opcode.ERROR, ProtocolConstants.Opcode.EVENT);
    }

    static String hostAndPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
