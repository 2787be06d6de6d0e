package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Pub/sub through {@code Valkey source → ValkeySinkSingle → redis-server}: Jedis' {@link JedisPubSub} and Lettuce's
 * pub/sub connection (RESP3 and RESP2) subscribe through the proxy while another client publishes through it.
 * Subscribers never send anything after subscribing, so every message they get was delivered as it arrived, not
 * carried along by a later request. Raw-socket cases pin the exact order of confirmations, pushes and replies.
 */
class ValkeyPubSubIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;
    private static ShotoverProxy proxy;
    private static InetSocketAddress proxyAddress;
    /** The same chain with {@link ValkeyRunRecorder} in front of the sink. */
    private static ShotoverProxy recordedProxy;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start();
        proxyAddress = proxy.address("valkey");
        recordedProxy = ShotoverProxy.builder().registerTransform(ValkeyRunRecorder.FACTORY)
                .topologyYaml(Topologies.passthrough(redis.port())
                        .replace("chain:\n", "chain:\n        - ValkeyRunRecorder\n"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (recordedProxy != null) {
            recordedProxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private static Jedis jedis() {
        return new Jedis(proxyAddress.getHostString(), proxyAddress.getPort(), 10_000);
    }

    /** Records what a JedisPubSub is told, in order. */
    private static final class Recorder extends JedisPubSub {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String channel, String message) {
            events.add("message " + channel + " " + message);
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            events.add("pmessage " + pattern + " " + channel + " " + message);
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            events.add("subscribe " + channel + " " + subscribedChannels);
        }

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            events.add("psubscribe " + pattern + " " + subscribedChannels);
        }

        @Override
        public void onUnsubscribe(String channel, int subscribedChannels) {
            events.add("unsubscribe " + channel + " " + subscribedChannels);
        }

        @Override
        public void onPUnsubscribe(String pattern, int subscribedChannels) {
            events.add("punsubscribe " + pattern + " " + subscribedChannels);
        }

        @Override
        public void onPong(String pattern) {
            events.add("pong " + pattern);
        }

        List<String> messages() {
            List<String> messages = new ArrayList<>();
            for (String event : events) {
                if (event.startsWith("message ") || event.startsWith("pmessage ")) {
                    messages.add(event);
                }
            }
            return messages;
        }
    }

    /** Runs a blocking Jedis subscription on its own thread; the thread ends when every subscription is gone. */
    private static Thread subscribeInBackground(Jedis jedis, Recorder recorder, boolean patterns, String... names) {
        Thread thread = new Thread(() -> {
            if (patterns) {
                jedis.psubscribe(recorder, names);
            } else {
                jedis.subscribe(recorder, names);
            }
        }, "subscriber");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static long subscribers(Jedis publisher, String channel) {
        return publisher.pubsubNumSub(channel).get(channel);
    }

    @Test
    void twoJedisSubscribersGetAThousandMessagesInOrderAsTheyArePublished() throws Exception {
        try (Jedis first = jedis(); Jedis second = jedis(); Jedis publisher = jedis()) {
            Recorder one = new Recorder();
            Recorder two = new Recorder();
            Thread t1 = subscribeInBackground(first, one, false, "news", "sport", "news");
            Thread t2 = subscribeInBackground(second, two, false, "news");
            await().atMost(WAIT).until(() -> subscribers(publisher, "news") == 2);
            // SUBSCRIBE news sport news: one confirmation per name, duplicates included, in order
            await().atMost(WAIT).until(() -> one.events.size() == 3);
            assertThat(one.events).containsExactly("subscribe news 1", "subscribe sport 2", "subscribe news 2");

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                assertThat(publisher.publish("news", "item-" + i)).isEqualTo(2);
                expected.add("message news item-" + i);
            }
            publisher.publish("sport", "goal");
            await().atMost(WAIT).until(() -> one.messages().size() == 1001 && two.messages().size() == 1000);
            assertThat(one.messages().subList(0, 1000)).isEqualTo(expected);
            assertThat(one.messages().get(1000)).isEqualTo("message sport goal");
            assertThat(two.messages()).isEqualTo(expected);

            one.unsubscribe();
            two.unsubscribe();
            t1.join(WAIT.toMillis());
            t2.join(WAIT.toMillis());
            assertThat(t1.isAlive()).isFalse();
            assertThat(t2.isAlive()).isFalse();
            // unsubscribing from all names the channels in the server's own order, the count going down to 0
            assertThat(one.events.subList(one.events.size() - 2, one.events.size()))
                    .containsAnyOf("unsubscribe news 1", "unsubscribe sport 1")
                    .containsAnyOf("unsubscribe news 0", "unsubscribe sport 0");
            // unsubscribed from everything, the same connections serve ordinary commands again
            assertThat(first.set("after-pubsub", "1")).isEqualTo("OK");
            assertThat(first.get("after-pubsub")).isEqualTo("1");
            assertThat(second.ping()).isEqualTo("PONG");
            assertThat(subscribers(publisher, "news")).isZero();
        }
    }

    @Test
    void patternSubscriptionsAndPingWhileSubscribed() throws Exception {
        try (Jedis subscriber = jedis(); Jedis publisher = jedis()) {
            Recorder recorder = new Recorder();
            Thread thread = subscribeInBackground(subscriber, recorder, true, "orders.*", "audit.?");
            await().atMost(WAIT).until(() -> publisher.pubsubNumPat() == 2);
            publisher.publish("orders.eu", "o1");
            publisher.publish("audit.x", "a1");
            publisher.publish("other", "ignored");
            publisher.publish("orders.us", "o2");
            await().atMost(WAIT).until(() -> recorder.messages().size() == 3);
            assertThat(recorder.messages()).containsExactly("pmessage orders.* orders.eu o1",
                    "pmessage audit.? audit.x a1", "pmessage orders.* orders.us o2");

            // PING in subscribed mode is answered by a pong array, which must not be mistaken for a message
            recorder.ping("still-there");
            await().atMost(WAIT).until(() -> recorder.events.contains("pong still-there"));
            // a plain channel on top of the patterns, then everything dropped
            recorder.subscribe("plain");
            await().atMost(WAIT).until(() -> recorder.events.contains("subscribe plain 3"));
            publisher.publish("plain", "p1");
            await().atMost(WAIT).until(() -> recorder.messages().contains("message plain p1"));
            recorder.punsubscribe();
            await().atMost(WAIT).until(() -> recorder.events.stream().filter(e -> e.startsWith("punsubscribe")).count() == 2);
            recorder.unsubscribe();
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).isFalse();
            assertThat(subscriber.echo("reused")).isEqualTo("reused");
        }
    }

    @Test
    void lettucePubSubWithResp3AndResp2() throws Exception {
        for (ProtocolVersion version : List.of(ProtocolVersion.RESP3, ProtocolVersion.RESP2)) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://" + proxyAddress.getHostString() + ":"
                    + proxyAddress.getPort()));
            client.setOptions(ClientOptions.builder().protocolVersion(version).build());
            try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
                 StatefulRedisConnection<String, String> publisher = client.connect()) {
                List<String> received = Collections.synchronizedList(new ArrayList<>());
                subscriber.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        received.add(channel + ":" + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        received.add(pattern + ">" + channel + ":" + message);
                    }
                });
                // returns once every confirmation arrived: the extra ones must come without a further request
                subscriber.sync().subscribe("l1", "l2", "l3");
                subscriber.sync().psubscribe("lp.*");
                // subscribed RESP2 answers PING with ["pong", ""], of which Lettuce returns the empty argument
                assertThat(subscriber.sync().ping()).isEqualTo(version == ProtocolVersion.RESP3 ? "PONG" : "");
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    String channel = "l" + (1 + i % 3);
                    assertThat(publisher.sync().publish(channel, "m" + i)).isEqualTo(1);
                    expected.add(channel + ":m" + i);
                }
                publisher.sync().publish("lp.x", "pm");
                expected.add("lp.*>lp.x:pm");
                await().atMost(WAIT).until(() -> received.size() == expected.size());
                assertThat(received).as("messages over %s", version).isEqualTo(expected);

                subscriber.sync().unsubscribe();
                subscriber.sync().punsubscribe();
                assertThat(publisher.sync().pubsubNumsub("l1").get("l1")).isZero();
                // RESP3 allows ordinary commands on the same connection; RESP2 after unsubscribing from all
                assertThat(subscriber.sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /**
     * What redis writes at once reaches the client at once: the further confirmations of a subscription request go
     * up with its run, not in a forced run of their own. Lettuce completes a command at its first confirmation and
     * takes the others for events only when they arrive with it; a separate write races with its next command, which
     * then gets a confirmation as its answer ("StatusOutput does not support set(long)").
     */
    @Test
    void furtherConfirmationsTravelWithTheAnswerTheyFollow() throws Exception {
        ValkeyRunRecorder.RUNS.clear();
        try (RawRespClient subscriber = new RawRespClient(recordedProxy.address("valkey"))) {
            subscriber.send(RawRespClient.command("SUBSCRIBE", "g1", "g2", "g3"));
            for (int i = 1; i <= 3; i++) {
                assertThat(reply(subscriber)).isEqualTo(confirmation("subscribe", "g" + i, i));
            }
            subscriber.send(RawRespClient.command("UNSUBSCRIBE"));
            for (int i = 1; i <= 3; i++) {
                assertThat(reply(subscriber)).startsWith("*3\r\n$11\r\nunsubscribe\r\n$2\r\ng")
                        .endsWith(":" + (3 - i) + "\r\n");
            }
            subscriber.send(RawRespClient.command("PING"));
            assertThat(reply(subscriber)).isEqualTo("+PONG\r\n");
        }
        assertThat(ValkeyRunRecorder.RUNS).containsExactly("1->3", "1->3", "1->1");
    }

    /** Lettuce's view of the same: every cycle's UNSUBSCRIBE (from all) leaves nothing to confuse the next command. */
    @Test
    void lettuceSubscribesAndUnsubscribesFromAllManyTimesOnOneConnection() {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + proxyAddress.getHostString() + ":"
                + proxyAddress.getPort()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
        try (StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub()) {
            for (int i = 0; i < 300; i++) {
                connection.sync().subscribe("c1", "c2", "c3");
                connection.sync().unsubscribe();
                connection.sync().psubscribe("p1.*", "p2.*");
                connection.sync().punsubscribe();
                assertThat(connection.sync().ping()).as("cycle %d", i).isEqualTo("PONG");
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void confirmationsPushesAndRepliesKeepTheServersOrder() throws Exception {
        try (RawRespClient subscriber = new RawRespClient(proxyAddress); Jedis publisher = jedis()) {
            // pipelined: three confirmations for the first request, then PING's pong
            subscriber.send(RawRespClient.command("SUBSCRIBE", "a", "b", "a") + RawRespClient.command("PING"));
            assertThat(reply(subscriber)).isEqualTo(confirmation("subscribe", "a", 1));
            assertThat(reply(subscriber)).isEqualTo(confirmation("subscribe", "b", 2));
            assertThat(reply(subscriber)).isEqualTo(confirmation("subscribe", "a", 2));
            assertThat(reply(subscriber)).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");

            publisher.publish("b", "pushed");
            assertThat(reply(subscriber)).isEqualTo("*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$6\r\npushed\r\n");

            // unsubscribing from all: one confirmation per channel, then the connection is an ordinary one again
            subscriber.send(RawRespClient.command("UNSUBSCRIBE") + RawRespClient.command("UNSUBSCRIBE")
                    + RawRespClient.command("SET", "k", "v") + RawRespClient.command("LRANGE", "missing", "0", "-1"));
            assertThat(reply(subscriber)).startsWith("*3\r\n$11\r\nunsubscribe\r\n$1\r\n").endsWith(":1\r\n");
            assertThat(reply(subscriber)).startsWith("*3\r\n$11\r\nunsubscribe\r\n$1\r\n").endsWith(":0\r\n");
            assertThat(reply(subscriber)).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
            assertThat(reply(subscriber)).isEqualTo("+OK\r\n");
            assertThat(reply(subscriber)).isEqualTo("*0\r\n");
        }
    }

    @Test
    void shardChannelsAndReset() throws Exception {
        try (RawRespClient subscriber = new RawRespClient(proxyAddress);
             RawRespClient publisher = new RawRespClient(proxyAddress)) {
            subscriber.send(RawRespClient.command("SSUBSCRIBE", "s1", "s2"));
            assertThat(reply(subscriber)).isEqualTo(confirmation("ssubscribe", "s1", 1));
            assertThat(reply(subscriber)).isEqualTo(confirmation("ssubscribe", "s2", 2));
            publisher.send(RawRespClient.command("SPUBLISH", "s2", "sharded"));
            assertThat(reply(publisher)).isEqualTo(":1\r\n");
            assertThat(reply(subscriber)).isEqualTo("*3\r\n$8\r\nsmessage\r\n$2\r\ns2\r\n$7\r\nsharded\r\n");

            // RESET ends every subscription: a message-shaped reply afterwards is an ordinary reply again
            subscriber.send(RawRespClient.command("SUBSCRIBE", "plain") + RawRespClient.command("RESET")
                    + RawRespClient.command("RPUSH", "fake", "message", "fake", "x")
                    + RawRespClient.command("LRANGE", "fake", "0", "-1"));
            // (the count in a confirmation differs between Redis versions when shard channels are involved)
            assertThat(reply(subscriber)).startsWith("*3\r\n$9\r\nsubscribe\r\n$5\r\nplain\r\n:");
            assertThat(reply(subscriber)).isEqualTo("+RESET\r\n");
            assertThat(reply(subscriber)).isEqualTo(":3\r\n");
            assertThat(reply(subscriber)).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nfake\r\n$1\r\nx\r\n");
            publisher.send(RawRespClient.command("PUBLISH", "plain", "gone"));
            assertThat(reply(publisher)).isEqualTo(":0\r\n");
        }
    }

    @Test
    void resp3SubscriptionsArePushFramesAndOrdinaryCommandsStillWork() throws Exception {
        try (RawRespClient subscriber = new RawRespClient(proxyAddress); Jedis publisher = jedis()) {
            subscriber.send(RawRespClient.command("HELLO", "3"));
            assertThat(reply(subscriber)).startsWith("%7\r\n").contains("proto\r\n:3\r\n");
            subscriber.send(RawRespClient.command("SUBSCRIBE", "r1", "r2"));
            assertThat(reply(subscriber)).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$2\r\nr1\r\n:1\r\n");
            assertThat(reply(subscriber)).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$2\r\nr2\r\n:2\r\n");
            publisher.publish("r2", "hi");
            assertThat(reply(subscriber)).isEqualTo(">3\r\n$7\r\nmessage\r\n$2\r\nr2\r\n$2\r\nhi\r\n");
            subscriber.send(RawRespClient.command("SET", "r3k", "v") + RawRespClient.command("GET", "r3k")
                    + RawRespClient.command("PING"));
            assertThat(reply(subscriber)).isEqualTo("+OK\r\n");
            assertThat(reply(subscriber)).isEqualTo("$1\r\nv\r\n");
            assertThat(reply(subscriber)).isEqualTo("+PONG\r\n");
            subscriber.send(RawRespClient.command("RESET"));
            assertThat(reply(subscriber)).isEqualTo("+RESET\r\n");
            // RESET also went back to RESP2
            subscriber.send(RawRespClient.command("HGETALL", "none"));
            assertThat(reply(subscriber)).isEqualTo("*0\r\n");
        }
    }

    @Test
    void aSubscriberWithNothingToSayStillGetsEveryMessageQuickly() throws Exception {
        try (RawRespClient subscriber = new RawRespClient(proxyAddress); Jedis publisher = jedis()) {
            subscriber.send(RawRespClient.command("SUBSCRIBE", "timely"));
            assertThat(reply(subscriber)).isEqualTo(confirmation("subscribe", "timely", 1));
            for (int i = 0; i < 20; i++) {
                long sent = System.nanoTime();
                publisher.publish("timely", "t" + i);
                assertThat(reply(subscriber)).isEqualTo(
                        "*3\r\n$7\r\nmessage\r\n$6\r\ntimely\r\n$" + ("t" + i).length() + "\r\nt" + i + "\r\n");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent)).isLessThan(2_000);
            }
        }
    }

    private static String reply(RawRespClient client) throws Exception {
        return new String(client.readReply(), StandardCharsets.UTF_8);
    }

    private static String confirmation(String kind, String channel, int count) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + channel.length() + "\r\n" + channel + "\r\n:"
                + count + "\r\n";
    }
}
