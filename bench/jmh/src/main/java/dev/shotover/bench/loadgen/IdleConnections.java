package dev.shotover.bench.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Opens many client connections and holds them without sending anything: the client side of
 * {@code bench/valkey-connections}.
 *
 * <p>{@code java -cp shotover-bench.jar dev.shotover.bench.loadgen.IdleConnections host:port count}. Prints
 * {@code connected <count> in <ms> ms} once every connection is established, then holds them until the process is
 * terminated (SIGTERM); on the way out it prints {@code open <n> of <count>}: how many the server had not closed.
 * Every connection needs a file descriptor, so the caller raises {@code ulimit -n} first.
 *
 * <p>Blocking connects, one after the other: the point is to hold connections, not to open them fast.
 */
public final class IdleConnections {
    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: IdleConnections <host:port> <count>");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(args[0].substring(0, colon),
                Integer.parseInt(args[0].substring(colon + 1)));
        int count = Integer.parseInt(args[1]);

        List<SocketChannel> channels = new ArrayList<>(count);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("open " + stillOpen(channels) + " of " + count);
            System.out.flush();
            stopped.countDown();
        }));
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel channel = SocketChannel.open(address);
                channels.add(channel);
            } catch (IOException e) {
                System.out.println("failed after " + i + " connections: " + e);
                System.out.flush();
                System.exit(1);
            }
        }
        System.out.println("connected " + count + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        System.out.flush();
        stopped.await();
    }

    /** Counts the connections the server has not closed; a closed one reads end-of-stream or fails. */
    private static int stillOpen(List<SocketChannel> channels) {
        ByteBuffer scratch = ByteBuffer.allocate(64);
        int open = 0;
        for (SocketChannel channel : channels) {
            try {
                channel.configureBlocking(false);
                scratch.clear();
                if (channel.read(scratch) >= 0) {
                    open++;
                }
            } catch (IOException e) {
                // reset by the server: closed
            }
        }
        return open;
    }
}
