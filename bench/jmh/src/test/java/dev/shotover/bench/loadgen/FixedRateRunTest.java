package dev.shotover.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.bench.loadgen.RespRequests.Operation;
import dev.shotover.runtime.net.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fixed-rate run against a tiny fake server: rate, counting, and the coordinated-omission correction. */
class FixedRateRunTest {
    private final Transport transport = Transport.best();
    private EventLoopGroup group;
    private FakeServer server;

    @BeforeEach
    void setUp() {
        group = transport.newEventLoopGroup(1, new DefaultThreadFactory("loadgen-test", true));
    }

    @AfterEach
    void tearDown() throws IOException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsAtTheRequestedRateAndCountsOnlyTheMeasuredWindow() throws Exception {
        server = new FakeServer(-1, 0);
        RespRequests requests = new RespRequests(Operation.GET, 10, 3);
        try {
            FixedRateRun.Result result = new FixedRateRun(group, transport).run(new FixedRateRun.Plan(
                    server.address(), 0, requests, 4, 2000, Duration.ofMillis(200), Duration.ofMillis(500)));

            // 2000/s for 0.5 s; the warm-up's 400 requests are not counted
            assertThat(result.latency().getTotalCount()).isBetween(990L, 1010L);
            assertThat(result.errors()).isZero();
            assertThat(result.unanswered()).isZero();
            // the fill wrote every key once before the run (GETs read what it wrote)
            assertThat(server.sets.get()).isEqualTo(10);
            assertThat(server.gets.get()).isBetween(1390, 1410);
            // latency counts from the intended start, which is never after the actual send
            assertThat(result.latency().getMaxValue()).isGreaterThanOrEqualTo(result.serviceTime().getMaxValue());
            assertThat(result.latency().getMean()).isGreaterThanOrEqualTo(result.serviceTime().getMean());
        } finally {
            requests.release();
        }
    }

    @Test
    void aStalledResponseDelaysTheRequestsScheduledBehindIt() throws Exception {
        // the server sits on its 300th request for 200 ms: one connection, so the requests due meanwhile queue
        server = new FakeServer(300, 200);
        RespRequests requests = new RespRequests(Operation.SET, 10, 3);
        try {
            FixedRateRun.Result result = new FixedRateRun(group, transport).run(new FixedRateRun.Plan(
                    server.address(), 0, requests, 1, 1000, Duration.ZERO, Duration.ofMillis(800)));

            long slow = TimeUnit.MILLISECONDS.toNanos(50);
            // from the actual send, only the stalled request itself was slow: what a closed-loop tool would report
            // (a few more when the machine is busy enough to hold a thread off the CPU for 50 ms)
            assertThat(result.serviceTime().getCountBetweenValues(slow, Long.MAX_VALUE / 4)).isBetween(1L, 20L);
            // from the intended start, every request due during the stall waited too (~150 of them at 1000/s)
            assertThat(result.latency().getCountBetweenValues(slow, Long.MAX_VALUE / 4)).isGreaterThan(100);
            assertThat(result.latency().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
            assertThat(result.maxBacklog()).isGreaterThan(100);
            assertThat(result.latency().getTotalCount()).isBetween(790L, 810L);
        } finally {
            requests.release();
        }
    }

    /**
     * Answers SET with +OK and GET with a 3-byte bulk string, one blocking thread per connection; optionally stalls
     * once before answering request number {@code stallAt}.
     */
    private static final class FakeServer implements AutoCloseable {
        private final ServerSocket socket;
        final AtomicInteger sets = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        private final AtomicInteger requests = new AtomicInteger();

        FakeServer(int stallAt, long stallMillis) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        client.setTcpNoDelay(true);
                        Thread serve = new Thread(() -> serve(client, stallAt, stallMillis));
                        serve.setDaemon(true);
                        serve.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }

        private void serve(Socket client, int stallAt, long stallMillis) {
            try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                byte[] buffer = new byte[64 * 1024];
                StringBuilder pending = new StringBuilder();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    pending.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    // the generator's commands are *2 (GET) or *3 (SET) arrays; count complete ones by their key
                    int index;
                    StringBuilder replies = new StringBuilder();
                    while ((index = completeCommandLength(pending)) > 0) {
                        boolean set = pending.charAt(1) == '3';
                        pending.delete(0, index);
                        if (requests.incrementAndGet() == stallAt) {
                            out.write(replies.toString().getBytes(StandardCharsets.ISO_8859_1));
                            replies.setLength(0);
                            Thread.sleep(stallMillis);
                        }
                        (set ? sets : gets).incrementAndGet();
                        replies.append(set ? "+OK\r\n" : "$3\r\nvvv\r\n");
                    }
                    out.write(replies.toString().getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        /** Length of the first complete command in {@code text}, or 0: counts its CRLF-terminated lines. */
        private static int completeCommandLength(CharSequence text) {
            if (text.length() < 2) {
                return 0;
            }
            int arguments = text.charAt(1) - '0';
            int linesNeeded = 1 + 2 * arguments;
            int position = 0;
            for (int line = 0; line < linesNeeded; line++) {
                int crlf = indexOf(text, position);
                if (crlf < 0) {
                    return 0;
                }
                position = crlf + 2;
            }
            return position;
        }

        private static int indexOf(CharSequence text, int from) {
            for (int i = from; i + 1 < text.length(); i++) {
                if (text.charAt(i) == '\r' && text.charAt(i + 1) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
