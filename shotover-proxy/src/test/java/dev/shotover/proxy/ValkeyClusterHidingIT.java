package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Cluster hiding: plain, cluster-unaware clients (Jedis, Lettuce) talk to
 * {@code Valkey source → ValkeySinkCluster →} a real 6-node Redis cluster (3 primaries + 3 replicas) and see one
 * ordinary server: both run the standard suite of the passthrough test ({@link ValkeyStandardSuite}), plus
 * cross-slot pipelines of 10,000 commands, cross-slot MGET/MSET/DEL, SCAN over 10,000 keys and exact KEYS/DBSIZE.
 * Also: cluster handling ({@code direct_destination}), several connections per node, a slot migration (ASK then
 * MOVED, also for a transaction), live resharding and a failover under verified load
 * ({@link VerifyingValkeyLoad}), all without restarting the proxy.
 */
class ValkeyClusterHidingIT {
    private static final String UNSUPPORTED =
            "ERR unknown command - Shotover ValkeySinkCluster does not not support this command";

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisCluster cluster;
    private static ShotoverProxy proxy;
    private static InetSocketAddress proxyAddress;
    private static ShotoverProxy handlingProxy;
    private static ShotoverProxy pooledProxy;
    private static int directPort;
    private Jedis jedis;

    static String topology(List<String> contactPoints, String extra) {
        return """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkCluster:
                            name: "cluster-sink"
                            first_contact_points: [%s]
                            connect_timeout_ms: 3000
                %s""".formatted(contactPoints.stream().map(p -> '"' + p + '"').collect(Collectors.joining(", ")),
                extra);
    }

    @BeforeAll
    static void start() {
        long started = System.nanoTime();
        cluster = RedisCluster.start();
        System.out.printf("6-node cluster ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        // one contact point only: the rest of the topology must come from CLUSTER SLOTS
        proxy = ShotoverProxy.builder().topologyYaml(topology(cluster.contactPoints().subList(0, 1), "")).start();
        proxyAddress = proxy.address("valkey");
        directPort = cluster.ports()[0];
        handlingProxy = ShotoverProxy.builder().topologyYaml(topology(cluster.contactPoints(),
                "            direct_destination: \"127.0.0.1:" + directPort + "\"\n")).start();
        pooledProxy = ShotoverProxy.builder().topologyYaml(topology(cluster.contactPoints().subList(2, 3),
                "            connection_count: 4\n")).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (handlingProxy != null) {
            handlingProxy.close();
        }
        if (pooledProxy != null) {
            pooledProxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000);
        assertThat(jedis.flushAll()).isEqualTo("OK");
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    private long dbsizeOnNode(int port) {
        try (Jedis node = new Jedis(RedisCluster.HOST, port, 5_000)) {
            return node.dbSize();
        }
    }

    @TestFactory
    Stream<DynamicTest> standardSuiteWithJedis() {
        return ValkeyStandardSuite.jedis(proxyAddress);
    }

    /** Lettuce asks for RESP3, gets NOPROTO and runs the suite in RESP2. */
    @TestFactory
    Stream<DynamicTest> standardSuiteWithLettuce() {
        return ValkeyStandardSuite.lettuce(proxyAddress);
    }

    @Test
    void setAndGetKeysInAllSlotRanges() {
        for (int i = 0; i < 2000; i++) {
            assertThat(jedis.set("key:" + i, "value:" + i)).isEqualTo("OK");
        }
        for (int i = 0; i < 2000; i++) {
            assertThat(jedis.get("key:" + i)).isEqualTo("value:" + i);
        }
        assertThat(jedis.get("missing")).isNull();
        assertThat(jedis.incr("counter")).isEqualTo(1);
        assertThat(jedis.hset("hash", "f", "v")).isEqualTo(1);
        assertThat(jedis.hgetAll("hash")).isEqualTo(Map.of("f", "v"));
        // the keys really are spread over the three primaries (each holds a share, replicas hold copies)
        long onPrimaries = 0;
        int primariesWithKeys = 0;
        for (int port : cluster.ports()) {
            String role = cluster.cliOn(port, "ROLE");
            if (role.startsWith("master")) {
                long size = dbsizeOnNode(port);
                onPrimaries += size;
                if (size > 0) {
                    primariesWithKeys++;
                }
            }
        }
        assertThat(primariesWithKeys).isEqualTo(3);
        assertThat(onPrimaries).isEqualTo(2002);
    }

    @Test
    void multiKeyCommandsAreSplitAcrossSlotsAndReassembledInOrder() {
        String[] keysAndValues = new String[200];
        for (int i = 0; i < 100; i++) {
            keysAndValues[2 * i] = "mkey" + i;
            keysAndValues[2 * i + 1] = "mvalue" + i;
        }
        assertThat(jedis.mset(keysAndValues)).isEqualTo("OK");
        String[] keys = new String[101];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keys[i] = "mkey" + (99 - i);
            expected.add("mvalue" + (99 - i));
        }
        keys[100] = "absent";
        expected.add(null);
        assertThat(jedis.mget(keys)).containsExactlyElementsOf(expected);
        assertThat(jedis.exists("mkey1", "mkey2", "mkey3", "absent", "mkey1")).isEqualTo(4);
        assertThat(jedis.del("mkey1", "mkey2", "absent", "mkey50")).isEqualTo(3);
        assertThat(jedis.exists(keys)).isEqualTo(97);
        // hash tags keep keys in one slot: the command goes to one node unchanged
        assertThat(jedis.mset("{tag}a", "1", "{tag}b", "2")).isEqualTo("OK");
        assertThat(jedis.mget("{tag}a", "{tag}b")).containsExactly("1", "2");
    }

    @Test
    void dbsizeAndKeysCoverTheWholeCluster() {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            jedis.set("k" + i, "v");
            written.add("k" + i);
        }
        assertThat(jedis.dbSize()).isEqualTo(300);
        assertThat(jedis.keys("*")).containsExactlyInAnyOrderElementsOf(written);
        assertThat(jedis.keys("k1*")).containsExactlyInAnyOrderElementsOf(
                written.stream().filter(k -> k.startsWith("k1")).collect(Collectors.toSet()));
        assertThat(jedis.flushDB()).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        assertThat(jedis.keys("*")).isEmpty();
    }

    @Test
    void pipelineOf10000MixedCommandsAcrossSlotsKeepsRequestOrder() {
        Pipeline pipeline = jedis.pipelined();
        List<Response<?>> responses = new ArrayList<>();
        List<Object> expected = new ArrayList<>();
        Map<String, Long> counters = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            String key = "p" + (i % 97);
            switch (i % 5) {
                case 0 -> {
                    responses.add(pipeline.set(key, "v" + i));
                    values.put(key, "v" + i);
                    expected.add("OK");
                }
                case 1 -> {
                    String counter = "c" + (i % 13);
                    long next = counters.merge(counter, 1L, Long::sum);
                    responses.add(pipeline.incr(counter));
                    expected.add(next);
                }
                case 2 -> {
                    responses.add(pipeline.get(key));
                    expected.add(values.get(key));
                }
                case 3 -> {
                    responses.add(pipeline.exists(key));
                    expected.add(values.containsKey(key));
                }
                default -> {
                    responses.add(pipeline.mget("c" + (i % 13), "{x}" + i));
                    List<String> mget = new ArrayList<>();
                    mget.add(Long.toString(counters.getOrDefault("c" + (i % 13), 0L)));
                    mget.add(null);
                    expected.add(mget);
                }
            }
        }
        pipeline.sync();
        for (int i = 0; i < responses.size(); i++) {
            Object actual = responses.get(i).get();
            Object want = expected.get(i);
            if (want instanceof List<?> list && "0".equals(list.get(0))) {
                // the counter was never incremented: MGET gives nil, not "0"
                List<Object> nil = new ArrayList<>();
                nil.add(null);
                nil.add(null);
                want = nil;
            }
            assertThat(actual).as("response %d", i).isEqualTo(want);
        }
    }

    @Test
    void unsupportedCommandsGetShotoversError() {
        // RESP3 is not spoken to the cluster: Redis' answer to an unknown version makes clients stay on RESP2
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.HELLO, "3"))
                .isInstanceOf(JedisDataException.class).hasMessage("NOPROTO unsupported protocol version");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.WATCH, "k"))
                .isInstanceOf(JedisDataException.class).hasMessage(UNSUPPORTED);
        // AUTH is checked against the cluster, which has no password here: its own error comes back
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.AUTH, "pw"))
                .isInstanceOf(JedisDataException.class).hasMessageContaining("without any password configured");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.CLUSTER, "SLOTS"))
                .isInstanceOf(JedisDataException.class).hasMessage(UNSUPPORTED);
        // a cluster has database 0 only
        assertThat(jedis.select(0)).isEqualTo("OK");
        assertThatThrownBy(() -> jedis.select(1)).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR SELECT is not allowed in cluster mode");
        // the connection is still usable afterwards
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(jedis.clientGetname()).isNull();
        assertThat(jedis.clientSetname("me")).isEqualTo("OK");
        assertThat(jedis.clientGetname()).isEqualTo("me");
        assertThat(jedis.time()).hasSize(2);
        assertThat(jedis.info("server")).contains("redis_version");
    }

    @Test
    void askAndMovedRedirectsAreFollowedAfterASlotMigration() {
        assertThat(jedis.set("foo", "moved-value")).isEqualTo("OK");
        assertThat(jedis.set("{foo}stays", "stays-value")).isEqualTo("OK");
        // this connection now holds the pre-migration slot map
        assertThat(jedis.get("foo")).isEqualTo("moved-value");

        int slot = Integer.parseInt(cluster.cliOn(cluster.ports()[0], "CLUSTER", "KEYSLOT", "foo").trim());
        int source = -1;
        List<Integer> primaries = new ArrayList<>();
        for (int port : cluster.ports()) {
            if (cluster.cliOn(port, "ROLE").startsWith("master")) {
                primaries.add(port);
                if (cluster.cliOn(port, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)).trim().equals("2")) {
                    source = port;
                }
            }
        }
        assertThat(source).isPositive();
        int from = source;
        int target = primaries.stream().filter(p -> p != from).findFirst().orElseThrow();
        String sourceId = cluster.cliOn(source, "CLUSTER", "MYID").trim();
        String targetId = cluster.cliOn(target, "CLUSTER", "MYID").trim();
        String slotText = Integer.toString(slot);
        assertThat(cluster.cliOn(target, "CLUSTER", "SETSLOT", slotText, "IMPORTING", sourceId)).contains("OK");
        assertThat(cluster.cliOn(source, "CLUSTER", "SETSLOT", slotText, "MIGRATING", targetId)).contains("OK");
        assertThat(cluster.cliOn(source, "MIGRATE", RedisCluster.HOST, Integer.toString(target), "", "0", "5000",
                "KEYS", "foo")).contains("OK");

        // mid-migration: the old owner answers ASK for the moved key and still serves the other one
        assertThat(jedis.get("foo")).isEqualTo("moved-value");
        assertThat(jedis.get("{foo}stays")).isEqualTo("stays-value");

        assertThat(cluster.cliOn(source, "MIGRATE", RedisCluster.HOST, Integer.toString(target), "", "0", "5000",
                "KEYS", "{foo}stays")).contains("OK");
        for (int primary : primaries) {
            assertThat(cluster.cliOn(primary, "CLUSTER", "SETSLOT", slotText, "NODE", targetId)).contains("OK");
        }
        // the old owner now answers MOVED; the proxy follows it on this same connection
        assertThat(jedis.get("foo")).isEqualTo("moved-value");
        assertThat(jedis.get("{foo}stays")).isEqualTo("stays-value");
        assertThat(jedis.set("foo", "after")).isEqualTo("OK");
        assertThat(cluster.cliOn(target, "GET", "foo").trim()).isEqualTo("after");
        // and a fresh connection (fresh slot map) agrees
        try (Jedis fresh = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000)) {
            assertThat(fresh.get("foo")).isEqualTo("after");
            assertThat(fresh.mget("foo", "{foo}stays", "other")).containsExactly("after", "stays-value", null);
        }
    }

    @Test
    void scanVisitsEachOf10000KeysExactlyOnceAndKeysAndDbsizeAreExactWithJedisAndLettuce() {
        Pipeline pipeline = jedis.pipelined();
        for (int i = 0; i < 10_000; i++) {
            pipeline.set("scan:" + i, "v");
        }
        pipeline.set("other", "v");
        pipeline.sync();
        List<String> seen = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int pages = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("scan:*").count(500));
            seen.addAll(page.getResult());
            cursor = page.getCursor();
            pages++;
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && pages < 10_000);
        assertThat(seen).hasSize(10_000).doesNotHaveDuplicates().allMatch(k -> k.startsWith("scan:"));
        assertThatThrownBy(() -> jedis.scan("not-a-number")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("invalid cursor");
        Set<String> startingWith12 = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            if (Integer.toString(i).startsWith("12")) {
                startingWith12.add("scan:" + i);
            }
        }
        assertThat(jedis.dbSize()).isEqualTo(10_001);
        assertThat(jedis.keys("scan:12*")).containsExactlyInAnyOrderElementsOf(startingWith12);

        RedisClient client = lettuce();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            List<String> seenByLettuce = new ArrayList<>();
            ScanArgs args = ScanArgs.Builder.matches("scan:*").limit(500);
            ScanCursor lettuceCursor = ScanCursor.INITIAL;
            pages = 0;
            do {
                var page = sync.scan(lettuceCursor, args);
                seenByLettuce.addAll(page.getKeys());
                lettuceCursor = page;
                pages++;
            } while (!lettuceCursor.isFinished() && pages < 10_000);
            assertThat(seenByLettuce).hasSize(10_000).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(seen);
            assertThat(sync.dbsize()).isEqualTo(10_001);
            assertThat(sync.keys("scan:12*")).containsExactlyInAnyOrderElementsOf(startingWith12);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void lettuceFallsBackToResp2AndWorks() {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + proxyAddress.getHostString() + ":"
                + proxyAddress.getPort()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> commands = connection.sync();
            assertThat(commands.ping()).isEqualTo("PONG");
            for (int i = 0; i < 200; i++) {
                assertThat(commands.set("lettuce:" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(commands.mget("lettuce:1", "lettuce:150", "nope").stream()
                    .map(kv -> kv.getValueOrElse(null)).collect(Collectors.toList()))
                    .containsExactly("v1", "v150", null);
            assertThat(commands.dbsize()).isEqualTo(200);
            assertThat(commands.del("lettuce:1", "lettuce:2", "lettuce:3")).isEqualTo(3);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void lettucePipelinesTenThousandCrossSlotCommandsInOrderAndSplitsMultiKeyCommands() throws Exception {
        RedisClient client = lettuce();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisAsyncCommands<String, String> async = connection.async();
            List<RedisFuture<?>> responses = new ArrayList<>();
            List<Object> expected = new ArrayList<>();
            Map<String, Long> counters = new HashMap<>();
            Map<String, String> values = new HashMap<>();
            connection.setAutoFlushCommands(false);
            try {
                for (int i = 0; i < 10_000; i++) {
                    String key = "lp" + (i % 97);
                    switch (i % 5) {
                        case 0 -> {
                            responses.add(async.set(key, "v" + i));
                            values.put(key, "v" + i);
                            expected.add("OK");
                        }
                        case 1 -> {
                            String counter = "lc" + (i % 13);
                            responses.add(async.incr(counter));
                            expected.add(counters.merge(counter, 1L, Long::sum));
                        }
                        case 2 -> {
                            responses.add(async.get(key));
                            expected.add(values.get(key));
                        }
                        case 3 -> {
                            responses.add(async.exists(key));
                            expected.add(values.containsKey(key) ? 1L : 0L);
                        }
                        default -> {
                            String counter = "lc" + (i % 13);
                            responses.add(async.mget(counter, "{x}" + i));
                            Long count = counters.get(counter);
                            expected.add(Arrays.asList(count == null ? null : Long.toString(count), null));
                        }
                    }
                }
                connection.flushCommands();
            } finally {
                connection.setAutoFlushCommands(true);
            }
            for (int i = 0; i < responses.size(); i++) {
                Object actual = responses.get(i).get(60, TimeUnit.SECONDS);
                if (actual instanceof List<?> list) {
                    actual = list.stream().map(kv -> ((KeyValue<?, ?>) kv).getValueOrElse(null))
                            .collect(Collectors.toList());
                }
                assertThat(actual).as("response %d", i).isEqualTo(expected.get(i));
            }

            RedisCommands<String, String> sync = connection.sync();
            Map<String, String> pairs = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                pairs.put("lm" + i, "lv" + i);
            }
            assertThat(sync.mset(pairs)).isEqualTo("OK");
            String[] keys = new String[101];
            List<String> want = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                keys[i] = "lm" + (99 - i);
                want.add("lv" + (99 - i));
            }
            keys[100] = "absent";
            want.add(null);
            assertThat(sync.mget(keys).stream().map(kv -> kv.getValueOrElse(null)).collect(Collectors.toList()))
                    .containsExactlyElementsOf(want);
            assertThat(sync.exists("lm1", "lm2", "absent", "lm1")).isEqualTo(3);
            assertThat(sync.del("lm1", "lm2", "absent", "lm50")).isEqualTo(3);
            assertThat(sync.exists(keys)).isEqualTo(97);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static RedisClient lettuce() {
        return RedisClient.create(RedisURI.create("redis://" + proxyAddress.getHostString() + ":"
                + proxyAddress.getPort()));
    }

    @Test
    void clusterHandlingSendsKeyedCommandsToTheClusterAndTheRestToTheDirectNode() {
        InetSocketAddress address = handlingProxy.address("valkey");
        try (Jedis handling = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
            for (int i = 0; i < 300; i++) {
                assertThat(handling.set("h" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(handling.mget("h1", "h2", "h299")).containsExactly("v1", "v2", "v299");
            // not keyed: answered by the direct node alone, which holds only its share of the keys
            long onDirect = dbsizeOnNode(directPort);
            assertThat(handling.dbSize()).isEqualTo(onDirect).isLessThan(300);
            assertThat(handling.keys("h*")).hasSize((int) onDirect);
            assertThat(handling.info("server")).contains("tcp_port:" + directPort);
            // what hiding cannot do is passed to the direct node, connection-state commands are still refused
            assertThat(handling.sendCommand(Protocol.Command.CLUSTER, "MYID")).isNotNull();
            assertThatThrownBy(() -> handling.sendCommand(Protocol.Command.HELLO, "3"))
                    .isInstanceOf(JedisDataException.class).hasMessage("NOPROTO unsupported protocol version");
        }
    }

    @Test
    void aFailoverUnderLoadGivesNoWrongAnswerAndNeedsNoProxyRestart() throws Exception {
        for (int i = 0; i < 500; i++) {
            jedis.set("fo:" + i, "v" + i);
        }
        // this connection keeps its pre-failover slot map
        int replica = -1;
        for (int port : cluster.ports()) {
            if (cluster.cliOn(port, "ROLE").startsWith("slave")) {
                replica = port;
                break;
            }
        }
        assertThat(replica).isPositive();
        VerifyingValkeyLoad load = VerifyingValkeyLoad.start(proxyAddress, keys("fj:", 60), keys("fl:", 60));
        awaitOperations(load, 200);
        long before = load.operations();
        long started = System.nanoTime();
        assertThat(cluster.cliOn(replica, "CLUSTER", "FAILOVER")).contains("OK");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cluster.cliOn(replica, "ROLE").startsWith("master") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cluster.cliOn(replica, "ROLE")).startsWith("master");
        long failoverMillis = (System.nanoTime() - started) / 1_000_000;
        long during = load.operations() - before;
        // keep the load on while the old primary turns into a replica and the proxy learns the new map
        awaitOperations(load, load.operations() + 500);
        VerifyingValkeyLoad.Outcome outcome = load.stop();
        System.out.printf("CLUSTER FAILOVER under load completed in %d ms, %d answers during it; load: %s%n",
                failoverMillis, during, outcome);
        assertLoadSawNoWrongAnswer(outcome);
        assertThat(outcome.errorsByKind()).as("errors during a coordinated failover").isEmpty();

        for (int i = 0; i < 500; i++) {
            assertThat(jedis.get("fo:" + i)).isEqualTo("v" + i);
            assertThat(jedis.set("fo:" + i, "w" + i)).isEqualTo("OK");
        }
        assertThat(jedis.dbSize()).isEqualTo(500 + 120);
        try (Jedis fresh = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000)) {
            assertThat(fresh.get("fo:499")).isEqualTo("w499");
            assertThat(fresh.keys("fo:*")).hasSize(500);
            assertFinalValues(fresh, outcome);
        }
    }

    @Test
    void liveReshardingUnderLoadGivesNoWrongAnswerAndNeedsNoProxyRestart() throws Exception {
        List<Integer> primaries = cluster.primaryPorts();
        int source = primaries.get(0);
        int target = primaries.get(1);
        List<Integer> slots = slotsOwnedBy(source, 300);
        assertThat(slots).hasSize(300);
        Set<Integer> moving = new HashSet<>(slots);
        // most load keys live in the slots that move, a few elsewhere; each in a slot of its own
        Set<Integer> usedSlots = new HashSet<>();
        List<String> jedisKeys = keysBySlot("rj:", moving, 40, 10, usedSlots);
        List<String> lettuceKeys = keysBySlot("rl:", moving, 40, 10, usedSlots);
        // other data in the moving slots, so that MIGRATE has more to move than the load's keys
        Pipeline bulk = jedis.pipelined();
        int bulkKeys = 0;
        for (int i = 0; bulkKeys < 1000; i++) {
            if (moving.contains(JedisClusterCRC16.getSlot("bulk:" + i))) {
                bulk.set("bulk:" + i, "b" + i);
                bulkKeys++;
            }
        }
        bulk.sync();

        VerifyingValkeyLoad load = VerifyingValkeyLoad.start(proxyAddress, jedisKeys, lettuceKeys);
        awaitOperations(load, 200);
        long before = load.operations();
        long started = System.nanoTime();
        migrateSlots(slots, source, target);
        long reshardMillis = (System.nanoTime() - started) / 1_000_000;
        long during = load.operations() - before;
        awaitOperations(load, load.operations() + 500);
        VerifyingValkeyLoad.Outcome outcome = load.stop();
        System.out.printf("moved %d slots (%d keys besides the load's) in %d ms, %d answers during it; load: %s%n",
                slots.size(), bulkKeys, reshardMillis, during, outcome);
        assertLoadSawNoWrongAnswer(outcome);
        assertThat(during).as("answers checked while the slots moved").isGreaterThan(100);
        // single-key commands follow ASK and MOVED; only an MGET over keys of a slot caught half-way may be refused
        assertThat(outcome.errorsByKind().keySet()).as("errors while resharding").isSubsetOf(Set.of("TRYAGAIN"));

        // the slots really moved: the target now serves the load's keys itself
        try (Jedis direct = new Jedis(RedisCluster.HOST, target, 5_000)) {
            for (String key : jedisKeys) {
                if (moving.contains(JedisClusterCRC16.getSlot(key))) {
                    assertThat(outcome.finalValues().get(key)).contains(direct.get(key));
                }
            }
            assertThat(direct.get("bulk:" + firstKeyIn("bulk:", moving))).startsWith("b");
        }
        // the same proxy, on the connection of this test and on a fresh one
        assertFinalValues(jedis, outcome);
        try (Jedis fresh = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000)) {
            assertFinalValues(fresh, outcome);
            assertThat(fresh.dbSize()).isEqualTo(bulkKeys + jedisKeys.size() + lettuceKeys.size());
        }
    }

    /**
     * A pipelined SET is sent to its slot's old owner, which is busy; meanwhile another request's MOVED makes the
     * proxy learn the new owner, and a GET of the same key arrives. The GET must wait for the SET (which the old owner
     * will redirect to the new one) instead of overtaking it there: it sees the value just set.
     */
    @Test
    void aPipelinedSetIsNotOvertakenByALaterGetWhenTheSlotMapChangesUnderIt() throws Exception {
        int contact = cluster.ports()[0];
        int[] owners = slotOwners(contact);
        // the refresh must not go to the busy node: it asks the first node of the contact point's CLUSTER SLOTS
        int firstAsked = firstNodeOfClusterSlots(contact);
        List<Integer> primaries = cluster.primaryPorts();
        int slow = primaries.stream().filter(p -> p != firstAsked).findFirst().orElseThrow();
        int target = primaries.stream().filter(p -> p != slow).findFirst().orElseThrow();
        int other = primaries.stream().filter(p -> p != slow && p != target).findFirst().orElseThrow();
        String key = keyOwnedBy("race:", owners, slow);
        String trigger = keyOwnedBy("trigger:", owners, other);
        try (RawRespClient client = new RawRespClient(proxyAddress);
             RawRespClient busy = new RawRespClient(new InetSocketAddress(RedisCluster.HOST, slow))) {
            client.send(RawRespClient.command("GET", key));
            assertThat(text(client.readReply())).isEqualTo("$-1\r\n");
            // both (empty) slots move to the target; this connection's slot map does not know yet
            assignEmptySlot(JedisClusterCRC16.getSlot(key), target);
            assignEmptySlot(JedisClusterCRC16.getSlot(trigger), target);
            busy.send(RawRespClient.command("EVAL", "local s = redis.call('TIME') while true do "
                    + "local n = redis.call('TIME') "
                    + "if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1500000 then return 1 end end", "0"));
            Thread.sleep(100);
            client.send(RawRespClient.command("SET", key, "v1") + RawRespClient.command("GET", trigger));
            // the trigger's MOVED has come back by now: the next request makes the proxy fetch the new map
            Thread.sleep(300);
            client.send(RawRespClient.command("GET", key));
            assertThat(text(client.readReply())).isEqualTo("+OK\r\n");
            assertThat(text(client.readReply())).isEqualTo("$-1\r\n");
            assertThat(text(client.readReply())).as("GET after SET on one connection").isEqualTo("$2\r\nv1\r\n");
            assertThat(text(busy.readReply())).isEqualTo(":1\r\n");
        }
        assertThat(jedis.get(key)).isEqualTo("v1");
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }

    /** The port of the primary owning each slot, from the CLUSTER SLOTS of the node on {@code port}. */
    private static int[] slotOwners(int port) {
        int[] owners = new int[16384];
        try (Jedis node = new Jedis(RedisCluster.HOST, port, 5_000)) {
            for (Object range : node.clusterSlots()) {
                List<?> fields = (List<?>) range;
                int owner = (int) (long) (Long) ((List<?>) fields.get(2)).get(1);
                for (long slot = (Long) fields.get(0); slot <= (Long) fields.get(1); slot++) {
                    owners[(int) slot] = owner;
                }
            }
        }
        return owners;
    }

    private static int firstNodeOfClusterSlots(int port) {
        try (Jedis node = new Jedis(RedisCluster.HOST, port, 5_000)) {
            return (int) (long) (Long) ((List<?>) ((List<?>) node.clusterSlots().get(0)).get(2)).get(1);
        }
    }

    private static String keyOwnedBy(String prefix, int[] owners, int port) {
        for (int i = 0; ; i++) {
            if (owners[JedisClusterCRC16.getSlot(prefix + i)] == port) {
                return prefix + i;
            }
        }
    }

    /** Gives an empty slot to the primary on {@code port}: the new owner first, then the other primaries. */
    private static void assignEmptySlot(int slot, int port) {
        String ownerId = cluster.cliOn(port, "CLUSTER", "MYID").trim();
        List<Integer> order = new ArrayList<>(List.of(port));
        for (int primary : cluster.primaryPorts()) {
            if (primary != port) {
                order.add(primary);
            }
        }
        for (int node : order) {
            assertThat(cluster.cliOn(node, "CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", ownerId))
                    .contains("OK");
        }
    }

    private static void assertLoadSawNoWrongAnswer(VerifyingValkeyLoad.Outcome outcome) {
        assertThat(outcome.crashes()).as("load threads failing").isEmpty();
        assertThat(outcome.wrongAnswers()).as("wrong answers").isEmpty();
        assertThat(outcome.operations()).isPositive();
    }

    /** Every load key holds the value the load left in it (one of two when its last SET failed). */
    private static void assertFinalValues(Jedis client, VerifyingValkeyLoad.Outcome outcome) {
        outcome.finalValues().forEach((key, possible) ->
                assertThat(possible).as("value of %s", key).contains(client.get(key)));
    }

    private static void awaitOperations(VerifyingValkeyLoad load, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (load.operations() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(prefix + i);
        }
        return keys;
    }

    /** {@code inside} keys whose slot is in {@code slots} and {@code outside} keys whose slot is not, all slots new. */
    private static List<String> keysBySlot(String prefix, Set<Integer> slots, int inside, int outside,
                                           Set<Integer> usedSlots) {
        List<String> keys = new ArrayList<>();
        int in = 0;
        int out = 0;
        for (int i = 0; in < inside || out < outside; i++) {
            String key = prefix + i;
            int slot = JedisClusterCRC16.getSlot(key);
            boolean moves = slots.contains(slot);
            if ((moves ? in < inside : out < outside) && usedSlots.add(slot)) {
                keys.add(key);
                if (moves) {
                    in++;
                } else {
                    out++;
                }
            }
        }
        return keys;
    }

    private static int firstKeyIn(String prefix, Set<Integer> slots) {
        for (int i = 0; ; i++) {
            if (slots.contains(JedisClusterCRC16.getSlot(prefix + i))) {
                return i;
            }
        }
    }

    /** The first {@code count} slots that the primary on {@code port} owns, from its own CLUSTER SLOTS. */
    private static List<Integer> slotsOwnedBy(int port, int count) {
        List<Integer> slots = new ArrayList<>();
        try (Jedis node = new Jedis(RedisCluster.HOST, port, 5_000)) {
            for (Object range : node.clusterSlots()) {
                List<?> fields = (List<?>) range;
                long owner = (Long) ((List<?>) fields.get(2)).get(1);
                if (owner != port) {
                    continue;
                }
                for (long slot = (Long) fields.get(0); slot <= (Long) fields.get(1) && slots.size() < count; slot++) {
                    slots.add((int) slot);
                }
            }
        }
        slots.sort(Integer::compare);
        return slots;
    }

    /**
     * Moves {@code slots} from one primary to another the way {@code redis-cli --cluster reshard} does, one slot at a
     * time: IMPORTING on the target, MIGRATING on the source, MIGRATE its keys in batches, then the new owner on the
     * target first (else the two would redirect clients to each other), the source, and the other primaries.
     */
    private static void migrateSlots(List<Integer> slots, int source, int target) {
        List<Integer> others = new ArrayList<>(cluster.primaryPorts());
        others.removeAll(List.of(source, target));
        try (Jedis from = new Jedis(RedisCluster.HOST, source, 10_000);
             Jedis to = new Jedis(RedisCluster.HOST, target, 10_000)) {
            List<Jedis> rest = new ArrayList<>();
            try {
                for (int port : others) {
                    rest.add(new Jedis(RedisCluster.HOST, port, 10_000));
                }
                String sourceId = from.clusterMyId();
                String targetId = to.clusterMyId();
                for (int slot : slots) {
                    assertThat(to.clusterSetSlotImporting(slot, sourceId)).isEqualTo("OK");
                    assertThat(from.clusterSetSlotMigrating(slot, targetId)).isEqualTo("OK");
                    List<String> keys;
                    while (!(keys = from.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                        assertThat(from.migrate(RedisCluster.HOST, target, 5000, new MigrateParams(),
                                keys.toArray(String[]::new))).isEqualTo("OK");
                    }
                    assertThat(to.clusterSetSlotNode(slot, targetId)).isEqualTo("OK");
                    assertThat(from.clusterSetSlotNode(slot, targetId)).isEqualTo("OK");
                    for (Jedis other : rest) {
                        other.clusterSetSlotNode(slot, targetId);
                    }
                }
            } finally {
                rest.forEach(Jedis::close);
            }
        }
    }

    @Test
    void transactionsRunWhenAllTheirKeysShareOneSlot() {
        Transaction tx = jedis.multi();
        Response<String> set = tx.set("{acct}:a", "1");
        Response<Long> incr = tx.incrBy("{acct}:a", 41);
        Response<List<String>> mget = tx.mget("{acct}:a", "{acct}:b");
        List<Object> results = tx.exec();
        assertThat(results).hasSize(3);
        assertThat(set.get()).isEqualTo("OK");
        assertThat(incr.get()).isEqualTo(42);
        assertThat(mget.get()).containsExactly("42", null);

        // keys of two slots: the second command is refused at once and EXEC aborts, as on a real cluster node
        Transaction crossSlot = jedis.multi();
        crossSlot.set("{acct}:a", "changed");
        crossSlot.set("{other}:b", "x");
        assertThatThrownBy(crossSlot::exec).isInstanceOf(JedisDataException.class).hasMessageContaining("EXECABORT");
        assertThat(jedis.get("{acct}:a")).isEqualTo("42");
        assertThat(jedis.get("{other}:b")).isNull();

        Transaction discarded = jedis.multi();
        discarded.set("{acct}:a", "never");
        assertThat(discarded.discard()).isEqualTo("OK");
        assertThat(jedis.get("{acct}:a")).isEqualTo("42");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.EXEC)).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR EXEC without MULTI");
    }

    @Test
    void aTransactionFollowsItsSlotAfterAMigration() {
        // the slot map of this connection is loaded first, then the slot of the transaction moves
        assertThat(jedis.set("{mig}x", "0")).isEqualTo("OK");
        int slot = Integer.parseInt(cluster.cliOn(cluster.ports()[0], "CLUSTER", "KEYSLOT", "{mig}x").trim());
        List<Integer> primaries = cluster.primaryPorts();
        int source = -1;
        for (int port : primaries) {
            if (cluster.cliOn(port, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)).trim().equals("1")) {
                source = port;
            }
        }
        int from = source;
        int target = primaries.stream().filter(p -> p != from).findFirst().orElseThrow();
        String sourceId = cluster.cliOn(source, "CLUSTER", "MYID").trim();
        String targetId = cluster.cliOn(target, "CLUSTER", "MYID").trim();
        String slotText = Integer.toString(slot);
        cluster.cliOn(target, "CLUSTER", "SETSLOT", slotText, "IMPORTING", sourceId);
        cluster.cliOn(source, "CLUSTER", "SETSLOT", slotText, "MIGRATING", targetId);
        assertThat(cluster.cliOn(source, "MIGRATE", RedisCluster.HOST, Integer.toString(target), "", "0", "5000",
                "KEYS", "{mig}x")).contains("OK");
        for (int primary : primaries) {
            cluster.cliOn(primary, "CLUSTER", "SETSLOT", slotText, "NODE", targetId);
        }
        Transaction tx = jedis.multi();
        Response<Long> incr = tx.incr("{mig}x");
        Response<Long> incr2 = tx.incr("{mig}y");
        assertThat(tx.exec()).hasSize(2);
        assertThat(incr.get()).isEqualTo(1);
        assertThat(incr2.get()).isEqualTo(1);
        assertThat(cluster.cliOn(target, "GET", "{mig}x").trim()).isEqualTo("1");
    }

    @Test
    void aFreshConnectionsFirstPipelineKeepsItsOrderWhileTheSlotMapLoads() {
        // the first requests of a connection wait for CLUSTER SLOTS; they must still leave in order
        assertEachKeyKeepsItsOrder(proxyAddress);
    }

    @Test
    void withSeveralConnectionsPerNodeEachKeyKeepsItsOrder() {
        assertEachKeyKeepsItsOrder(pooledProxy.address("valkey"));
    }

    private static void assertEachKeyKeepsItsOrder(InetSocketAddress address) {
        try (Jedis fresh = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
            Pipeline pipeline = fresh.pipelined();
            List<Response<String>> reads = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                String key = "order" + (i % 50);
                pipeline.set(key, Integer.toString(i));
                reads.add(pipeline.get(key));
            }
            pipeline.sync();
            for (int i = 0; i < 5000; i++) {
                // a GET right after a SET of the same key sees that SET, whatever connection carried it
                assertThat(reads.get(i).get()).as("read %d", i).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    void scriptsAreLoadedOnEveryPrimaryAndRunWhereTheirKeysLive() {
        String sha = jedis.scriptLoad("return redis.call('INCRBY', KEYS[1], ARGV[1])");
        for (int i = 0; i < 200; i++) {
            // the keys are spread over every primary: EVALSHA only works if the script is on all of them
            assertThat(jedis.evalsha(sha, List.of("script:" + i), List.of("5"))).isEqualTo(5L);
            assertThat(jedis.eval("return redis.call('GET', KEYS[1])", List.of("script:" + i), List.of()))
                    .isEqualTo("5");
        }
        assertThat(jedis.scriptExists(sha)).isTrue();
        assertThat(jedis.eval("return 42")).isEqualTo(42L);
    }
}
