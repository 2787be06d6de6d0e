package dev.shotover.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Readiness probe for Redis-protocol servers over a plain socket, so that no client library is needed.
 */
final class RespPing {

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REPLY_LINE = 512;

    private RespPing() {
    }

    /**
     * Sends one PING and returns the first reply line without its CRLF ({@code "+PONG"}, {@code "-LOADING ..."}),
     * or {@code null} when no connection could be made or no complete line arrived within the timeouts.
     */
    static String ping(String host, int port, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(PING);
            out.flush();
            return readLine(socket.getInputStream());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether a reply shows that the server is up and serving commands. {@code -NOAUTH} counts: a server started
     * with {@code --requirepass} refuses an unauthenticated PING but is ready. {@code -LOADING} does not.
     */
    static boolean isReady(String reply) {
        return reply != null && (reply.equals("+PONG") || reply.startsWith("-NOAUTH"));
    }

    /**
     * Polls until {@link #isReady} or until {@code timeout}. Fails early when {@code alive} turns false (the server
     * process died). {@code diagnostics} is only called on failure and supplies the command line and log tail.
     */
    static void awaitReady(String what, String host, int port, Duration timeout, BooleanSupplier alive,
                           Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            if (!alive.getAsBoolean()) {
                throw new StartupException(what + " on " + host + ":" + port + " exited before answering PING.\n"
                        + diagnostics.get());
            }
            last = ping(host, port, Duration.ofMillis(250));
            if (isReady(last)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new StartupException(what + " on " + host + ":" + port + " did not answer PING with PONG within "
                        + timeout.toMillis() + " ms (last reply: " + (last == null ? "no connection" : last) + ").\n"
                        + diagnostics.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while waiting for " + what + " on " + host + ":" + port, e);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        int b;
        while ((b = in.read()) != -1) {
            if (previous == '\r' && b == '\n') {
                line.setLength(line.length() - 1);
                return line.toString();
            }
            if (line.length() >= MAX_REPLY_LINE) {
                return line.toString();
            }
            line.append((char) b);
            previous = b;
        }
        return null;
    }
}
