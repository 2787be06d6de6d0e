package dev.shotover.proxy;

import dev.shotover.protocols.valkey.RespScanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A socket that sends raw RESP bytes and reads whole replies as bytes, for byte-exact comparisons. */
final class RawRespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuf received = Unpooled.buffer();
    private final RespScanner scanner = new RespScanner();

    RawRespClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String resp) throws IOException {
        send(resp.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next complete reply, exactly as sent by the other side. */
    byte[] readReply() throws IOException {
        byte[] chunk = new byte[8192];
        while (true) {
            int length = scanner.scan(received);
            if (length >= 0) {
                byte[] reply = new byte[length];
                received.readBytes(reply);
                received.discardReadBytes();
                scanner.reset();
                return reply;
            }
            int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("connection closed with " + received.readableBytes() + " bytes of a partial reply");
            }
            received.writeBytes(chunk, 0, n);
        }
    }

    /** True once the other side has closed the connection (reads end of stream within the socket timeout). */
    boolean isClosedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Reads and discards everything until the other side closes the connection.
     *
     * @return the number of bytes discarded
     * @throws java.net.SocketTimeoutException when nothing arrives for the socket timeout (10 s)
     */
    long skipUntilClosed() throws IOException {
        long skipped = received.readableBytes();
        received.clear();
        byte[] chunk = new byte[65536];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            skipped += n;
        }
        return skipped;
    }

    static String command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            sb.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        received.release();
        socket.close();
    }
}
