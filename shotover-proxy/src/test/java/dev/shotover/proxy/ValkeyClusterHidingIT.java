package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Cluster hiding: plain, cluster-unaware clients (Jedis, Lettuce) talk to
 * {@code Valkey source → ValkeySinkCluster →} a real 6-node Redis cluster (3 primaries + 3 replicas) and see one
 * ordinary server. Also: cluster handling ({@code direct_destination}), several connections per node, a slot
 * migration (ASK then MOVED, also for a transaction) and a failover under a live connection.
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
    void scanVisitsEachOf10000KeysExactlyOnce() {
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
        assertThat(new HashSet<>(seen)).hasSize(10_000);
        assertThatThrownBy(() -> jedis.scan("not-a-number")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("invalid cursor");
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
    void aFailoverIsFollowedWithoutRestartingTheProxy() throws Exception {
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
        long started = System.nanoTime();
        assertThat(cluster.cliOn(replica, "CLUSTER", "FAILOVER")).contains("OK");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cluster.cliOn(replica, "ROLE").startsWith("master") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cluster.cliOn(replica, "ROLE")).startsWith("master");
        System.out.printf("CLUSTER FAILOVER completed in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        for (int i = 0; i < 500; i++) {
            assertThat(jedis.get("fo:" + i)).isEqualTo("v" + i);
            assertThat(jedis.set("fo:" + i, "w" + i)).isEqualTo("OK");
        }
        assertThat(jedis.dbSize()).isEqualTo(500);
        try (Jedis fresh = new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000)) {
            assertThat(fresh.get("fo:499")).isEqualTo("w499");
            assertThat(fresh.keys("fo:*")).hasSize(500);
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
