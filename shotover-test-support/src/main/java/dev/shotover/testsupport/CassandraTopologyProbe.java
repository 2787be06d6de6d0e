package dev.shotover.testsupport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks one Cassandra node, over CQL, which peers it knows completely: a row in {@code system.peers_v2} with a host
 * id, a native address and port, and at least one token. That table is what a driver (and a proxy that rewrites it)
 * builds its view of the ring from, so a multi-node {@link CassandraCluster} is only ready once every node lists
 * every other node there. Log lines are not enough: under load a node can be logged up, then dropped from gossip as
 * a "fat client" while it has no tokens yet, then come back.
 *
 * <p>This is a deliberately tiny native-protocol v4 client (STARTUP, one QUERY, decode the ROWS result) so that the
 * test-support module needs no driver; it understands just what that one query returns. One call opens and closes
 * one connection. Stateless and thread-safe.
 */
final class CassandraTopologyProbe {
    private static final int VERSION_V4 = 0x04;
    private static final int OPCODE_ERROR = 0x00;
    private static final int OPCODE_STARTUP = 0x01;
    private static final int OPCODE_READY = 0x02;
    private static final int OPCODE_QUERY = 0x07;
    private static final int OPCODE_RESULT = 0x08;
    private static final int RESULT_ROWS = 0x0002;
    private static final int CONSISTENCY_ONE = 0x0001;
    private static final int ROWS_GLOBAL_TABLES_SPEC = 0x0001;
    private static final int ROWS_HAS_MORE_PAGES = 0x0002;
    private static final int ROWS_NO_METADATA = 0x0004;
    private static final int MAX_BODY = 16 << 20;

    static final String QUERY = "SELECT peer, host_id, native_address, native_port, tokens FROM system.peers_v2";

    private CassandraTopologyProbe() {
    }

    /**
     * The IP addresses of the peers {@code host} lists with host id, native address and port and tokens.
     *
     * @throws IOException if the node cannot be reached or answers with an error or something unexpected
     */
    static Set<String> completePeers(String host, int port, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());

            ByteBuffer startup = ByteBuffer.allocate(64);
            startup.putShort((short) 1);
            putString(startup, "CQL_VERSION");
            putString(startup, "3.0.0");
            send(out, OPCODE_STARTUP, startup);
            expect(receive(in), OPCODE_READY, host);

            byte[] query = QUERY.getBytes(StandardCharsets.UTF_8);
            ByteBuffer body = ByteBuffer.allocate(4 + query.length + 3);
            body.putInt(query.length).put(query).putShort((short) CONSISTENCY_ONE).put((byte) 0);
            send(out, OPCODE_QUERY, body);
            return readPeers(expect(receive(in), OPCODE_RESULT, host));
        }
    }

    private static Set<String> readPeers(ByteBuffer result) throws IOException {
        if (result.getInt() != RESULT_ROWS) {
            throw new IOException("expected a ROWS result for " + QUERY);
        }
        int flags = result.getInt();
        int columns = result.getInt();
        if ((flags & ROWS_HAS_MORE_PAGES) != 0) {
            skipBytes(result);
        }
        if ((flags & ROWS_NO_METADATA) == 0) {
            boolean globalSpec = (flags & ROWS_GLOBAL_TABLES_SPEC) != 0;
            if (globalSpec) {
                skipString(result);
                skipString(result);
            }
            for (int i = 0; i < columns; i++) {
                if (!globalSpec) {
                    skipString(result);
                    skipString(result);
                }
                skipString(result);
                skipType(result);
            }
        }
        Set<String> complete = new TreeSet<>();
        int rows = result.getInt();
        for (int row = 0; row < rows; row++) {
            ByteBuffer[] cells = new ByteBuffer[columns];
            for (int column = 0; column < columns; column++) {
                cells[column] = readBytes(result);
            }
            // peer, host_id, native_address, native_port, tokens: all present, and a non-empty token set (a
            // serialized set starts with its element count).
            boolean allPresent = true;
            for (ByteBuffer cell : cells) {
                allPresent &= cell != null;
            }
            if (allPresent && cells[4].remaining() >= 4 && cells[4].getInt(cells[4].position()) > 0) {
                byte[] address = new byte[cells[0].remaining()];
                cells[0].get(address);
                complete.add(InetAddress.getByAddress(address).getHostAddress());
            }
        }
        return complete;
    }

    private static void send(DataOutputStream out, int opcode, ByteBuffer body) throws IOException {
        body.flip();
        out.writeByte(VERSION_V4);
        out.writeByte(0);
        out.writeShort(0);
        out.writeByte(opcode);
        out.writeInt(body.remaining());
        out.write(body.array(), 0, body.remaining());
        out.flush();
    }

    /** One response envelope: its opcode, then its body. */
    private record Response(int opcode, ByteBuffer body) {
    }

    private static Response receive(DataInputStream in) throws IOException {
        int version = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readShort();
        int opcode = in.readUnsignedByte();
        int length = in.readInt();
        if (version != (0x80 | VERSION_V4) || length < 0 || length > MAX_BODY) {
            throw new IOException("unexpected CQL response header: version 0x" + Integer.toHexString(version)
                    + ", length " + length);
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Response(opcode, ByteBuffer.wrap(body));
    }

    private static ByteBuffer expect(Response response, int opcode, String host) throws IOException {
        if (response.opcode() == OPCODE_ERROR) {
            int code = response.body().getInt();
            throw new IOException(host + " answered error 0x" + Integer.toHexString(code) + ": "
                    + readString(response.body()));
        }
        if (response.opcode() != opcode) {
            throw new IOException(host + " answered opcode 0x" + Integer.toHexString(response.opcode())
                    + ", expected 0x" + Integer.toHexString(opcode));
        }
        return response.body();
    }

    /** Skips a column type [option], recursing into collections, UDTs and tuples. */
    private static void skipType(ByteBuffer buffer) throws IOException {
        int id = buffer.getShort() & 0xFFFF;
        switch (id) {
            case 0x0000 -> skipString(buffer);
            case 0x0020, 0x0022 -> skipType(buffer);
            case 0x0021 -> {
                skipType(buffer);
                skipType(buffer);
            }
            case 0x0030 -> {
                skipString(buffer);
                skipString(buffer);
                int fields = buffer.getShort() & 0xFFFF;
                for (int i = 0; i < fields; i++) {
                    skipString(buffer);
                    skipType(buffer);
                }
            }
            case 0x0031 -> {
                int elements = buffer.getShort() & 0xFFFF;
                for (int i = 0; i < elements; i++) {
                    skipType(buffer);
                }
            }
            default -> {
                if (id > 0x0015) {
                    throw new IOException("unknown CQL type id 0x" + Integer.toHexString(id));
                }
            }
        }
    }

    private static void putString(ByteBuffer buffer, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.putShort((short) bytes.length).put(bytes);
    }

    private static String readString(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getShort() & 0xFFFF];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void skipString(ByteBuffer buffer) {
        int length = buffer.getShort() & 0xFFFF;
        buffer.position(buffer.position() + length);
    }

    private static void skipBytes(ByteBuffer buffer) {
        readBytes(buffer);
    }

    /** A [bytes] value, or null for a negative length (a null cell). */
    private static ByteBuffer readBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        ByteBuffer value = buffer.slice();
        value.limit(length);
        buffer.position(buffer.position() + length);
        return value;
    }
}
