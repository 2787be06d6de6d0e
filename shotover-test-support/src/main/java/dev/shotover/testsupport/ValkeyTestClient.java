package dev.shotover.testsupport;

import dev.shotover.api.valkey.ValkeyFrame;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking Valkey/Redis client over a plain socket, for tests that need no client library: sends commands
 * as arrays of bulk strings and reads replies as {@link ValkeyFrame}s (RESP2, and RESP3 after {@code HELLO 3}).
 *
 * <pre>{@code
 * try (ValkeyTestClient client = ValkeyTestClient.connect(proxy.address())) {
 *     assertThat(client.call("SET", "foo", "bar")).isEqualTo(ValkeyFrame.ok());
 *     assertThat(client.callForString("GET", "foo")).isEqualTo("bar");
 * }
 * }</pre>
 *
 * <p>Every read waits at most the timeout given to {@link #connect(InetSocketAddress, Duration)} (10 s by default)
 * and then fails with an {@link UncheckedIOException}, so a proxy that never answers fails the test instead of
 * hanging it.
 *
 * <p><b>Threading.</b> Not thread-safe: one client per thread (requests and replies are matched by order).
 */
public final class ValkeyTestClient implements AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private ValkeyTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Connects with a 10 s connect and read timeout. */
    public static ValkeyTestClient connect(InetSocketAddress address) {
        return connect(address, DEFAULT_TIMEOUT);
    }

    /** Connects, waiting at most {@code timeout} for the connection and for each reply. */
    public static ValkeyTestClient connect(InetSocketAddress address, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        Socket socket = new Socket();
        try {
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            return new ValkeyTestClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("could not connect to " + address + ": " + e.getMessage(), e);
        }
    }

    /** Sends one command and returns its reply (an error reply is returned, not thrown). */
    public ValkeyFrame call(String... command) {
        send(List.of(command));
        return readReply();
    }

    /**
     * Sends one command and returns its reply as text: the value of a bulk or simple string, or null for a null
     * reply.
     *
     * @throws AssertionError for an error reply or any other kind of reply, naming it
     */
    public String callForString(String... command) {
        ValkeyFrame reply = call(command);
        if (reply instanceof ValkeyFrame.BulkString bulk) {
            return bulk.asString();
        }
        if (reply instanceof ValkeyFrame.SimpleString simple) {
            return simple.value();
        }
        if (reply instanceof ValkeyFrame.NullBulkString || reply instanceof ValkeyFrame.Null) {
            return null;
        }
        throw new AssertionError(String.join(" ", command) + " was answered with " + reply + ", not a string");
    }

    /** Writes all commands in one go (a pipeline), then reads one reply per command, in order. */
    public List<ValkeyFrame> pipeline(List<List<String>> commands) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (List<String> command : commands) {
            encode(command, batch);
        }
        write(batch.toByteArray());
        List<ValkeyFrame> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            replies.add(readReply());
        }
        return replies;
    }

    /** Sends a command without reading its reply (for pushes and pipelines built by hand). */
    public void send(List<String> command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        encode(command, bytes);
        write(bytes.toByteArray());
    }

    /** Reads the next reply (or push). */
    public ValkeyFrame readReply() {
        try {
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException("no complete reply from " + socket.getRemoteSocketAddress() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Whether the server closed the connection: reads with a short timeout and returns true on end of stream. Any
     * data that arrives instead is an error (the test expected nothing).
     */
    public boolean isClosedByServer(Duration wait) {
        try {
            int previous = socket.getSoTimeout();
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            try {
                int b = in.read();
                if (b >= 0) {
                    throw new AssertionError("expected the connection to be closed, but received data: '"
                            + (char) b + "'...");
                }
                return true;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(previous);
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // a reset also means closed
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write to " + socket.getRemoteSocketAddress() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void encode(List<String> command, ByteArrayOutputStream out) {
        ascii(out, "*" + command.size() + "\r\n");
        for (String part : command) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            ascii(out, "$" + bytes.length + "\r\n");
            out.writeBytes(bytes);
            ascii(out, "\r\n");
        }
    }

    private static void ascii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private ValkeyFrame read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the connection was closed");
        }
        switch (type) {
            case '+':
                return new ValkeyFrame.SimpleString(line());
            case '-':
                return new ValkeyFrame.Error(line());
            case ':':
                return new ValkeyFrame.Integer(Long.parseLong(line()));
            case '$': {
                int length = Integer.parseInt(line());
                return length < 0 ? new ValkeyFrame.NullBulkString() : new ValkeyFrame.BulkString(blob(length));
            }
            case '*': {
                int count = Integer.parseInt(line());
                return count < 0 ? new ValkeyFrame.NullArray() : new ValkeyFrame.Array(elements(count));
            }
            case '_':
                line();
                return new ValkeyFrame.Null();
            case ',':
                return new ValkeyFrame.Double(line());
            case '#':
                return new ValkeyFrame.Boolean(line().equals("t"));
            case '(':
                return new ValkeyFrame.BigNumber(line());
            case '!':
                return new ValkeyFrame.BulkError(blob(Integer.parseInt(line())));
            case '=': {
                byte[] all = blob(Integer.parseInt(line()));
                String format = new String(all, 0, Math.min(3, all.length), StandardCharsets.US_ASCII);
                byte[] data = all.length > 4 ? java.util.Arrays.copyOfRange(all, 4, all.length) : new byte[0];
                return new ValkeyFrame.VerbatimString(format, data);
            }
            case '%':
                return new ValkeyFrame.Map(elements(2 * Integer.parseInt(line())));
            case '~':
                return new ValkeyFrame.Set(elements(Integer.parseInt(line())));
            case '>':
                return new ValkeyFrame.Push(elements(Integer.parseInt(line())));
            case '|': {
                List<ValkeyFrame> attributes = elements(2 * Integer.parseInt(line()));
                return new ValkeyFrame.Attribute(attributes, read());
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "' (" + type + ")");
        }
    }

    private List<ValkeyFrame> elements(int count) throws IOException {
        List<ValkeyFrame> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(read());
        }
        return elements;
    }

    private byte[] blob(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("the connection was closed inside a " + length + "-byte string");
        }
        line(); // the CRLF after the data
        return bytes;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection was closed inside a reply");
            }
            if (b == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("expected LF after CR, got " + lf);
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test socket cannot fail in a way the test cares about.
        }
    }

    @Override
    public String toString() {
        return "ValkeyTestClient[" + socket.getLocalSocketAddress() + " -> " + socket.getRemoteSocketAddress() + "]";
    }
}
