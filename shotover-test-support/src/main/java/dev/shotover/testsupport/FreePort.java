package dev.shotover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds TCP ports on 127.0.0.1 that are free right now.
 *
 * <p>The port is found by binding port 0 and closing the socket again, so another process can in principle take it
 * before the caller binds it. That window is tiny in practice; {@link RedisServer#start()} retries with a new port if
 * it loses the race. Thread-safe.
 */
public final class FreePort {

    private FreePort() {
    }

    /** Returns a port on 127.0.0.1 that was free when this method returned. */
    public static int find() {
        return find(1)[0];
    }

    /**
     * Returns {@code count} distinct ports on 127.0.0.1 that were free when this method returned. All sockets are
     * held open until every port has been picked, so the ports are guaranteed to be distinct.
     */
    public static int[] find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    /**
     * Throws a {@link StartupException} containing "Address already in use" when {@code port} cannot be bound on
     * 127.0.0.1 right now. Servers check this before starting because otherwise a readiness PING could be answered by
     * whoever already listens there.
     */
    static void requireFree(int port, String what) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            throw new StartupException("cannot start " + what + ": port 127.0.0.1:" + port
                    + " is taken (Address already in use: " + e.getMessage() + ")", e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the socket was only a probe.
        }
    }
}
