package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The standard Valkey suite (after Shotover's {@code passthrough_standard}) as JUnit dynamic tests, so that every
 * topology that must look like one plain Redis to a plain client runs the same checks: ValkeySinkSingle passthrough
 * and ValkeySinkCluster cluster hiding. Each check exists twice, once through Jedis' and once through Lettuce's
 * typed API, so that both clients' framing and reply parsing are exercised.
 *
 * <p>Everything here is what a single Redis node and a hidden cluster both do. Keys that must share a transaction
 * carry a hash tag, which changes nothing on a single node. Each check starts with {@code FLUSHALL} on its own
 * connection (so KEYS and DBSIZE can be exact), so the endpoint must not be shared with a concurrently running test.
 *
 * <p>Not thread-safe: the checks run one after the other on the JUnit thread.
 */
final class ValkeyStandardSuite {
    private ValkeyStandardSuite() {
    }

    /** The suite through Jedis, one fresh connection to {@code address} per check. */
    static Stream<DynamicTest> jedis(InetSocketAddress address) {
        return Stream.of(
                jedisCheck("strings", address, ValkeyStandardSuite::jedisStrings),
                jedisCheck("hashes, lists, sets and sorted sets", address, ValkeyStandardSuite::jedisCollections),
                jedisCheck("expiry", address, ValkeyStandardSuite::jedisExpiry),
                jedisCheck("bit operations", address, ValkeyStandardSuite::jedisBits),
                jedisCheck("keys and dbsize", address, ValkeyStandardSuite::jedisKeysAndDbsize),
                jedisCheck("pipeline of a thousand commands", address, ValkeyStandardSuite::jedisPipeline),
                jedisCheck("MULTI/EXEC", address, ValkeyStandardSuite::jedisTransaction),
                jedisCheck("lua scripts", address, ValkeyStandardSuite::jedisScripts),
                jedisCheck("SCAN visits every key", address, ValkeyStandardSuite::jedisScan),
                jedisCheck("ten megabyte value", address, ValkeyStandardSuite::jedisBigValue),
                jedisCheck("binary-safe keys and values", address, ValkeyStandardSuite::jedisBinary),
                jedisCheck("PING, ECHO, TIME, INFO and the client name", address,
                        ValkeyStandardSuite::jedisConnectionCommands),
                jedisCheck("unknown command errors pass through", address,
                        ValkeyStandardSuite::jedisUnknownCommand));
    }

    /**
     * The suite through Lettuce, one fresh connection to {@code address} per check, in whatever protocol Lettuce
     * negotiates there (RESP3 when {@code HELLO 3} succeeds, else RESP2). The client is shut down when JUnit closes
     * the stream, after the last check.
     */
    static Stream<DynamicTest> lettuce(InetSocketAddress address) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + address.getHostString() + ":"
                + address.getPort()));
        return Stream.of(
                lettuceCheck("strings", client, ValkeyStandardSuite::lettuceStrings),
                lettuceCheck("hashes, lists, sets and sorted sets", client, ValkeyStandardSuite::lettuceCollections),
                lettuceCheck("expiry", client, ValkeyStandardSuite::lettuceExpiry),
                lettuceCheck("bit operations", client, ValkeyStandardSuite::lettuceBits),
                lettuceCheck("keys and dbsize", client, ValkeyStandardSuite::lettuceKeysAndDbsize),
                lettuceCheck("pipeline of a thousand commands", client, ValkeyStandardSuite::lettucePipeline),
                lettuceCheck("MULTI/EXEC", client, ValkeyStandardSuite::lettuceTransaction),
                lettuceCheck("lua scripts", client, ValkeyStandardSuite::lettuceScripts),
                lettuceCheck("SCAN visits every key", client, ValkeyStandardSuite::lettuceScan),
                dynamicTest("ten megabyte value and binary-safe keys", () -> lettuceBinary(client)),
                lettuceCheck("PING, ECHO, TIME, INFO and the client name", client,
                        ValkeyStandardSuite::lettuceConnectionCommands),
                lettuceCheck("unknown command errors pass through", client,
                        ValkeyStandardSuite::lettuceUnknownCommand))
                .onClose(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    }

    private static DynamicTest jedisCheck(String name, InetSocketAddress address, Consumer<Jedis> check) {
        return dynamicTest(name, () -> {
            try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 10_000)) {
                assertThat(jedis.flushAll()).isEqualTo("OK");
                check.accept(jedis);
            }
        });
    }

    private static DynamicTest lettuceCheck(String name, RedisClient client,
                                            Consumer<StatefulRedisConnection<String, String>> check) {
        return dynamicTest(name, () -> {
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().flushall()).isEqualTo("OK");
                check.accept(connection);
            }
        });
    }

    // ---- Jedis ----

    private static void jedisStrings(Jedis jedis) {
        assertThat(jedis.set("foo", "bar")).isEqualTo("OK");
        assertThat(jedis.get("foo")).isEqualTo("bar");
        assertThat(jedis.get("missing")).isNull();
        assertThat(jedis.getSet("foo", "baz")).isEqualTo("bar");
        assertThat(jedis.setnx("foo", "never")).isZero();
        assertThat(jedis.incr("counter")).isEqualTo(1);
        assertThat(jedis.incrBy("counter", 41)).isEqualTo(42);
        assertThat(jedis.decr("counter")).isEqualTo(41);
        assertThat(jedis.append("foo", "qux")).isEqualTo(6);
        assertThat(jedis.strlen("foo")).isEqualTo(6);
        assertThat(jedis.getrange("foo", 1, 3)).isEqualTo("azq");
        assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
        assertThat(jedis.mget("a", "b", "missing")).containsExactly("1", "2", null);
        assertThat(jedis.exists("a", "b", "missing")).isEqualTo(2);
        assertThat(jedis.del("a", "b", "missing")).isEqualTo(2);
        assertThatThrownBy(() -> jedis.incr("foo")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("not an integer");
    }

    private static void jedisCollections(Jedis jedis) {
        jedis.hset("h", Map.of("f1", "v1", "f2", "v2"));
        assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        assertThat(jedis.hget("h", "f1")).isEqualTo("v1");
        assertThat(jedis.hincrBy("h", "n", 5)).isEqualTo(5);
        assertThat(jedis.hdel("h", "f1")).isEqualTo(1);
        assertThat(jedis.hkeys("h")).containsExactlyInAnyOrder("f2", "n");

        jedis.rpush("l", "a", "b", "c");
        assertThat(jedis.lrange("l", 0, -1)).containsExactly("a", "b", "c");
        assertThat(jedis.lpop("l")).isEqualTo("a");
        assertThat(jedis.llen("l")).isEqualTo(2);

        jedis.sadd("s", "x", "y", "z");
        assertThat(jedis.smembers("s")).containsExactlyInAnyOrder("x", "y", "z");
        assertThat(jedis.sismember("s", "y")).isTrue();
        assertThat(jedis.srem("s", "x")).isEqualTo(1);
        assertThat(jedis.scard("s")).isEqualTo(2);

        jedis.zadd("z", Map.of("one", 1.0, "two", 2.0, "three", 3.0));
        assertThat(jedis.zrange("z", 0, -1)).containsExactly("one", "two", "three");
        List<Tuple> withScores = jedis.zrangeWithScores("z", 0, 0);
        assertThat(withScores.get(0).getScore()).isEqualTo(1.0);
        assertThat(jedis.zscore("z", "two")).isEqualTo(2.0);
        assertThat(jedis.zincrby("z", 0.5, "two")).isEqualTo(2.5);
    }

    private static void jedisExpiry(Jedis jedis) {
        jedis.setex("short", 1, "v");
        assertThat(jedis.ttl("short")).isBetween(0L, 1L);
        jedis.psetex("shorter", 100, "v");
        sleep(300);
        assertThat(jedis.exists("shorter")).isFalse();
        jedis.set("p", "v");
        assertThat(jedis.expire("p", 100)).isEqualTo(1);
        assertThat(jedis.ttl("p")).isBetween(90L, 100L);
        assertThat(jedis.persist("p")).isEqualTo(1);
        assertThat(jedis.ttl("p")).isEqualTo(-1);
    }

    private static void jedisBits(Jedis jedis) {
        assertThat(jedis.setbit("bits", 7, true)).isFalse();
        assertThat(jedis.setbit("bits", 7, false)).isTrue();
        jedis.setbit("bits", 3, true);
        jedis.setbit("bits", 12, true);
        assertThat(jedis.getbit("bits", 3)).isTrue();
        assertThat(jedis.getbit("bits", 4)).isFalse();
        assertThat(jedis.bitcount("bits")).isEqualTo(2);
        assertThat(jedis.bitpos("bits", true)).isEqualTo(3);
    }

    private static void jedisKeysAndDbsize(Jedis jedis) {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            jedis.set("keys:" + i, "v");
            written.add("keys:" + i);
        }
        jedis.set("other", "v");
        assertThat(jedis.dbSize()).isEqualTo(31);
        assertThat(jedis.keys("keys:*")).containsExactlyInAnyOrderElementsOf(written);
        assertThat(jedis.keys("*")).hasSize(31).contains("other");
    }

    private static void jedisPipeline(Jedis jedis) {
        Pipeline pipeline = jedis.pipelined();
        List<Response<String>> sets = new ArrayList<>();
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sets.add(pipeline.set("key" + i, "value" + i));
            gets.add(pipeline.get("key" + i));
        }
        pipeline.sync();
        for (int i = 0; i < 500; i++) {
            assertThat(sets.get(i).get()).isEqualTo("OK");
            assertThat(gets.get(i).get()).isEqualTo("value" + i);
        }
    }

    private static void jedisTransaction(Jedis jedis) {
        Transaction tx = jedis.multi();
        tx.set("{t}1", "a");
        tx.incr("{t}2");
        tx.get("{t}1");
        assertThat(tx.exec()).containsExactly("OK", 1L, "a");
        Transaction discarded = jedis.multi();
        discarded.set("{t}1", "never");
        assertThat(discarded.discard()).isEqualTo("OK");
        assertThat(jedis.get("{t}1")).isEqualTo("a");
    }

    private static void jedisScripts(Jedis jedis) {
        Object result = jedis.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                List.of("lua-key"), List.of("lua-value"));
        assertThat(result).isEqualTo("lua-value");
        String sha = jedis.scriptLoad("return {1, 2, 'three'}");
        assertThat(jedis.evalsha(sha)).isEqualTo(List.of(1L, 2L, "three"));
        assertThat(jedis.scriptExists(sha)).isTrue();
        assertThatThrownBy(() -> jedis.eval("return redis.call('nosuchcommand')"))
                .isInstanceOf(JedisDataException.class);
    }

    private static void jedisScan(Jedis jedis) {
        for (int i = 0; i < 250; i++) {
            jedis.set("scan:" + i, "v");
        }
        jedis.set("not-scanned", "v");
        List<String> seen = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match("scan:*").count(20);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            seen.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(seen).hasSize(250).doesNotHaveDuplicates().allMatch(k -> k.startsWith("scan:"));
    }

    private static void jedisBigValue(Jedis jedis) {
        byte[] value = bigValue();
        byte[] key = "big".getBytes(StandardCharsets.UTF_8);
        assertThat(jedis.set(key, value)).isEqualTo("OK");
        assertThat(jedis.get(key)).isEqualTo(value);
    }

    private static void jedisBinary(Jedis jedis) {
        byte[] key = binaryKey();
        byte[] value = binaryValue();
        jedis.set(key, value);
        assertThat(jedis.get(key)).isEqualTo(value);
        assertThat(jedis.exists(key)).isTrue();
    }

    private static void jedisConnectionCommands(Jedis jedis) {
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(jedis.echo("hello")).isEqualTo("hello");
        assertThat(jedis.info("server")).contains("redis_version");
        assertThat(jedis.time()).hasSize(2);
        assertThat(jedis.clientGetname()).isNull();
        assertThat(jedis.clientSetname("it-client")).isEqualTo("OK");
        assertThat(jedis.clientGetname()).isEqualTo("it-client");
    }

    private static void jedisUnknownCommand(Jedis jedis) {
        assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCHCOMMAND".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JedisDataException.class).hasMessageContaining("unknown command");
        assertThat(jedis.ping()).isEqualTo("PONG");
    }

    // ---- Lettuce ----

    private static void lettuceStrings(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        assertThat(redis.set("foo", "bar")).isEqualTo("OK");
        assertThat(redis.get("foo")).isEqualTo("bar");
        assertThat(redis.get("missing")).isNull();
        assertThat(redis.setGet("foo", "baz")).isEqualTo("bar");
        assertThat(redis.setnx("foo", "never")).isFalse();
        assertThat(redis.incr("counter")).isEqualTo(1);
        assertThat(redis.incrby("counter", 41)).isEqualTo(42);
        assertThat(redis.decr("counter")).isEqualTo(41);
        assertThat(redis.append("foo", "qux")).isEqualTo(6);
        assertThat(redis.strlen("foo")).isEqualTo(6);
        assertThat(redis.getrange("foo", 1, 3)).isEqualTo("azq");
        assertThat(redis.mset(Map.of("a", "1", "b", "2"))).isEqualTo("OK");
        assertThat(values(redis.mget("a", "b", "missing"))).containsExactly("1", "2", null);
        assertThat(redis.exists("a", "b", "missing")).isEqualTo(2);
        assertThat(redis.del("a", "b", "missing")).isEqualTo(2);
        assertThatThrownBy(() -> redis.incr("foo")).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageContaining("not an integer");
    }

    private static void lettuceCollections(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        redis.hset("h", Map.of("f1", "v1", "f2", "v2"));
        assertThat(redis.hgetall("h")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        assertThat(redis.hget("h", "f1")).isEqualTo("v1");
        assertThat(redis.hincrby("h", "n", 5)).isEqualTo(5);
        assertThat(redis.hdel("h", "f1")).isEqualTo(1);
        assertThat(redis.hkeys("h")).containsExactlyInAnyOrder("f2", "n");

        redis.rpush("l", "a", "b", "c");
        assertThat(redis.lrange("l", 0, -1)).containsExactly("a", "b", "c");
        assertThat(redis.lpop("l")).isEqualTo("a");
        assertThat(redis.llen("l")).isEqualTo(2);

        redis.sadd("s", "x", "y", "z");
        assertThat(redis.smembers("s")).containsExactlyInAnyOrder("x", "y", "z");
        assertThat(redis.sismember("s", "y")).isTrue();
        assertThat(redis.srem("s", "x")).isEqualTo(1);
        assertThat(redis.scard("s")).isEqualTo(2);

        redis.zadd("z", ScoredValue.just(1.0, "one"), ScoredValue.just(2.0, "two"), ScoredValue.just(3.0, "three"));
        assertThat(redis.zrange("z", 0, -1)).containsExactly("one", "two", "three");
        assertThat(redis.zrangeWithScores("z", 0, 0).get(0).getScore()).isEqualTo(1.0);
        assertThat(redis.zscore("z", "two")).isEqualTo(2.0);
        assertThat(redis.zincrby("z", 0.5, "two")).isEqualTo(2.5);
    }

    private static void lettuceExpiry(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        redis.setex("short", 1, "v");
        assertThat(redis.ttl("short")).isBetween(0L, 1L);
        redis.psetex("shorter", 100, "v");
        sleep(300);
        assertThat(redis.exists("shorter")).isZero();
        redis.set("p", "v");
        assertThat(redis.expire("p", 100)).isTrue();
        assertThat(redis.ttl("p")).isBetween(90L, 100L);
        assertThat(redis.persist("p")).isTrue();
        assertThat(redis.ttl("p")).isEqualTo(-1);
    }

    private static void lettuceBits(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        assertThat(redis.setbit("bits", 7, 1)).isZero();
        assertThat(redis.setbit("bits", 7, 0)).isEqualTo(1);
        redis.setbit("bits", 3, 1);
        redis.setbit("bits", 12, 1);
        assertThat(redis.getbit("bits", 3)).isEqualTo(1);
        assertThat(redis.getbit("bits", 4)).isZero();
        assertThat(redis.bitcount("bits")).isEqualTo(2);
        assertThat(redis.bitpos("bits", true)).isEqualTo(3);
    }

    private static void lettuceKeysAndDbsize(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            redis.set("keys:" + i, "v");
            written.add("keys:" + i);
        }
        redis.set("other", "v");
        assertThat(redis.dbsize()).isEqualTo(31);
        assertThat(redis.keys("keys:*")).containsExactlyInAnyOrderElementsOf(written);
        assertThat(redis.keys("*")).hasSize(31).contains("other");
    }

    private static void lettucePipeline(StatefulRedisConnection<String, String> connection) {
        RedisAsyncCommands<String, String> async = connection.async();
        connection.setAutoFlushCommands(false);
        List<RedisFuture<String>> sets = new ArrayList<>();
        List<RedisFuture<String>> gets = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                sets.add(async.set("key" + i, "value" + i));
                gets.add(async.get("key" + i));
            }
            connection.flushCommands();
        } finally {
            connection.setAutoFlushCommands(true);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(await(sets.get(i))).isEqualTo("OK");
            assertThat(await(gets.get(i))).isEqualTo("value" + i);
        }
    }

    private static void lettuceTransaction(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        assertThat(redis.multi()).isEqualTo("OK");
        redis.set("{t}1", "a");
        redis.incr("{t}2");
        redis.get("{t}1");
        TransactionResult result = redis.exec();
        assertThat(result.wasDiscarded()).isFalse();
        assertThat(result.stream().collect(Collectors.toList())).containsExactly("OK", 1L, "a");
        assertThat(redis.multi()).isEqualTo("OK");
        redis.set("{t}1", "never");
        assertThat(redis.discard()).isEqualTo("OK");
        assertThat(redis.get("{t}1")).isEqualTo("a");
    }

    private static void lettuceScripts(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        String result = redis.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                ScriptOutputType.VALUE, new String[] {"lua-key"}, "lua-value");
        assertThat(result).isEqualTo("lua-value");
        String sha = redis.scriptLoad("return {1, 2, 'three'}");
        List<Object> multi = redis.evalsha(sha, ScriptOutputType.MULTI);
        assertThat(multi).containsExactly(1L, 2L, "three");
        assertThat(redis.scriptExists(sha)).containsExactly(true);
        assertThatThrownBy(() -> redis.eval("return redis.call('nosuchcommand')", ScriptOutputType.STATUS))
                .isInstanceOf(RedisCommandExecutionException.class);
    }

    private static void lettuceScan(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        for (int i = 0; i < 250; i++) {
            redis.set("scan:" + i, "v");
        }
        redis.set("not-scanned", "v");
        List<String> seen = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches("scan:*").limit(20);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            var page = redis.scan(cursor, args);
            seen.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        assertThat(seen).hasSize(250).doesNotHaveDuplicates().allMatch(k -> k.startsWith("scan:"));
    }

    private static void lettuceBinary(RedisClient client) {
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            assertThat(redis.flushall()).isEqualTo("OK");
            byte[] value = bigValue();
            byte[] big = "big".getBytes(StandardCharsets.UTF_8);
            assertThat(redis.set(big, value)).isEqualTo("OK");
            assertThat(redis.get(big)).isEqualTo(value);
            byte[] key = binaryKey();
            assertThat(redis.set(key, binaryValue())).isEqualTo("OK");
            assertThat(redis.get(key)).isEqualTo(binaryValue());
            assertThat(redis.exists(key)).isEqualTo(1);
        }
    }

    private static void lettuceConnectionCommands(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        assertThat(redis.ping()).isEqualTo("PONG");
        assertThat(redis.echo("hello")).isEqualTo("hello");
        assertThat(redis.info("server")).contains("redis_version");
        assertThat(redis.time()).hasSize(2);
        assertThat(redis.clientGetname()).isNull();
        assertThat(redis.clientSetname("it-client")).isEqualTo("OK");
        assertThat(redis.clientGetname()).isEqualTo("it-client");
    }

    private static void lettuceUnknownCommand(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> redis = connection.sync();
        ProtocolKeyword unknown = new ProtocolKeyword() {
            @Override
            public byte[] getBytes() {
                return "NOSUCHCOMMAND".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String toString() {
                return "NOSUCHCOMMAND";
            }
        };
        assertThatThrownBy(() -> redis.dispatch(unknown, new StatusOutput<>(connection.getCodec()),
                new CommandArgs<>(connection.getCodec()).add("x")))
                .isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("unknown command");
        assertThat(redis.ping()).isEqualTo("PONG");
    }

    // ---- shared ----

    private static List<String> values(List<KeyValue<String, String>> pairs) {
        List<String> values = new ArrayList<>();
        for (KeyValue<String, String> pair : pairs) {
            values.add(pair.getValueOrElse(null));
        }
        return values;
    }

    private static <T> T await(RedisFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("pipelined command failed", e);
        }
    }

    private static byte[] bigValue() {
        byte[] value = new byte[10 * 1024 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        return value;
    }

    private static byte[] binaryKey() {
        return new byte[] {0, '\r', '\n', (byte) 0xff, '$', '*', 0};
    }

    private static byte[] binaryValue() {
        return new byte[] {'\r', '\n', 0, (byte) 0x80, '-', '+'};
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
