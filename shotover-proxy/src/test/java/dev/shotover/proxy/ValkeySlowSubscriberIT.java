package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.args.ClientType;

/**
 * A pub/sub subscriber that stops reading meets redis' own limit through the proxy, as it would without it: the
 * backend connection reads only while the client reads ({@code RuntimeContext.readPacedByClient}), so the messages
 * pile up in redis, which disconnects the subscriber at its {@code client-output-buffer-limit}; the proxy then closes
 * the client. Without the pacing the proxy would read everything and buffer it without bound. A second subscriber
 * on another channel meanwhile gets every message.
 */
class ValkeySlowSubscriberIT {
    private static final int MESSAGES = 40;
    private static final int MESSAGE_BYTES = 1 << 20;

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void aSubscriberThatStopsReadingIsDisconnectedByRedisWhileOthersGetEverything() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ShotoverProxy proxy = ShotoverProxy.builder().topologyYaml(Topologies.passthrough(redis.port())).start();
             Jedis admin = new Jedis(redis.host(), redis.port())) {
            // a small hard limit keeps the test quick; the proxy's and the kernel's buffers hold far less than the
            // 40 MB published
            admin.configSet("client-output-buffer-limit", "pubsub 4mb 0 0");
            InetSocketAddress address = proxy.address("valkey");

            List<String> fastReceived = new CopyOnWriteArrayList<>();
            JedisPubSub fast = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    fastReceived.add(message);
                }
            };
            Thread fastThread = new Thread(() -> {
                try (Jedis subscriber = new Jedis(address.getHostString(), address.getPort(), 20_000)) {
                    subscriber.subscribe(fast, "fast");
                }
            });
            fastThread.start();

            try (RawRespClient slow = new RawRespClient(address);
                 Jedis publisher = new Jedis(address.getHostString(), address.getPort(), 20_000)) {
                slow.send(RawRespClient.command("SUBSCRIBE", "slow"));
                assertThat(new String(slow.readReply())).contains("subscribe");
                await().atMost(Duration.ofSeconds(10)).until(fast::isSubscribed);

                char[] payload = new char[MESSAGE_BYTES];
                Arrays.fill(payload, 'x');
                String big = new String(payload);
                for (int i = 0; i < MESSAGES; i++) {
                    // once redis has dropped the slow subscriber, nobody receives these any more
                    publisher.publish("slow", big);
                    assertThat(publisher.publish("fast", "m" + i)).isEqualTo(1);
                }

                // what was buffered before redis gave up is delivered, then the proxy closes the connection
                long delivered = slow.skipUntilClosed();
                assertThat(delivered).isLessThan((long) MESSAGES * MESSAGE_BYTES);
                // redis dropped the slow subscriber's backend connection; the fast one's is still there
                assertThat(admin.clientList(ClientType.PUBSUB).strip().lines()).hasSize(1).allMatch(line ->
                        line.contains("sub=1"));
                await().atMost(Duration.ofSeconds(10)).until(() -> fastReceived.size() == MESSAGES);
                assertThat(fastReceived).first().isEqualTo("m0");
                assertThat(fastReceived).last().isEqualTo("m" + (MESSAGES - 1));
            } finally {
                if (fast.isSubscribed()) {
                    fast.unsubscribe();
                }
                fastThread.join(10_000);
            }
        }
        logs.assertNoUnexpectedWarnOrError("failed in chain valkey");
    }
}
