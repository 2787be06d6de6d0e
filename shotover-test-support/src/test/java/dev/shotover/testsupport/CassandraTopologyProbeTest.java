package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link CassandraTopologyProbe} against a scripted one-connection CQL server: which {@code system.peers_v2} rows
 * count as complete, and that server errors surface. Also the token layout of {@link CassandraCluster}.
 */
class CassandraTopologyProbeTest {

    @Test
    void onlyPeersWithHostIdAddressPortAndTokensAreComplete() throws Exception {
        List<ByteBuffer[]> rows = new ArrayList<>();
        rows.add(row("127.0.0.2", true, true, 1));
        rows.add(row("127.0.0.3", true, true, 0));    // empty token set: still joining
        rows.add(row("127.0.0.4", true, false, 1));   // no native address yet
        rows.add(row("127.0.0.5", false, true, 1));   // no host id yet
        rows.add(row("127.0.0.6", true, true, 3));

        try (ScriptedServer server = new ScriptedServer(rowsResult(rows))) {
            assertThat(CassandraTopologyProbe.completePeers("127.0.0.1", server.port(), 5000))
                    .containsExactly("127.0.0.2", "127.0.0.6");
            assertThat(server.receivedQuery()).isEqualTo(CassandraTopologyProbe.QUERY);
        }
    }

    @Test
    void noPeersIsAnEmptySet() throws Exception {
        try (ScriptedServer server = new ScriptedServer(rowsResult(List.of()))) {
            assertThat(CassandraTopologyProbe.completePeers("127.0.0.1", server.port(), 5000)).isEmpty();
        }
    }

    @Test
    void aServerErrorIsAnIOExceptionWithItsMessage() throws Exception {
        ByteBuffer error = ByteBuffer.allocate(64);
        error.putInt(0x1001);
        byte[] message = "Cannot achieve consistency".getBytes(StandardCharsets.UTF_8);
        error.putShort((short) message.length).put(message).flip();
        try (ScriptedServer server = new ScriptedServer(new Reply(0x00, error))) {
            assertThatThrownBy(() -> CassandraTopologyProbe.completePeers("127.0.0.1", server.port(), 5000))
                    .isInstanceOf(IOException.class).hasMessageContaining("0x1001")
                    .hasMessageContaining("Cannot achieve consistency");
        }
    }

    @Test
    void tokensAreSpreadEvenlyOverTheMurmur3Ring() {
        assertThat(CassandraCluster.initialToken(1, 1)).isEqualTo(Long.MIN_VALUE);
        assertThat(CassandraCluster.initialToken(1, 3)).isEqualTo(Long.MIN_VALUE);
        assertThat(CassandraCluster.initialToken(2, 3)).isEqualTo(-3074457345618258603L);
        assertThat(CassandraCluster.initialToken(3, 3)).isEqualTo(3074457345618258602L);
        assertThat(CassandraCluster.initialToken(2, 2)).isZero();
    }

    // ------------------------------------------------------------------------------------------- fake server

    /** One response: opcode and body. */
    private record Reply(int opcode, ByteBuffer body) {
    }

    /** The ROWS result of the probe's query; cells in the query's column order. */
    private static Reply rowsResult(List<ByteBuffer[]> rows) {
        ByteBuffer body = ByteBuffer.allocate(4096);
        body.putInt(0x0002);                       // kind: Rows
        body.putInt(0x0001);                       // flags: global table spec
        body.putInt(5);
        putString(body, "system");
        putString(body, "peers_v2");
        putColumn(body, "peer", 0x0010);
        putColumn(body, "host_id", 0x000C);
        putColumn(body, "native_address", 0x0010);
        putColumn(body, "native_port", 0x0009);
        putString(body, "tokens");
        body.putShort((short) 0x0022).putShort((short) 0x000D);   // set<varchar>
        body.putInt(rows.size());
        for (ByteBuffer[] row : rows) {
            for (ByteBuffer cell : row) {
                if (cell == null) {
                    body.putInt(-1);
                } else {
                    body.putInt(cell.remaining()).put(cell);
                }
            }
        }
        body.flip();
        return new Reply(0x08, body);
    }

    private static ByteBuffer[] row(String peer, boolean hostId, boolean nativeAddress, int tokenCount) {
        ByteBuffer inet = ByteBuffer.wrap(address(peer));
        ByteBuffer tokens = ByteBuffer.allocate(256);
        tokens.putInt(tokenCount);
        for (int i = 0; i < tokenCount; i++) {
            byte[] token = Long.toString(1000L * i).getBytes(StandardCharsets.UTF_8);
            tokens.putInt(token.length).put(token);
        }
        tokens.flip();
        return new ByteBuffer[] {inet, hostId ? ByteBuffer.allocate(16) : null,
                nativeAddress ? inet.duplicate() : null, ByteBuffer.allocate(4).putInt(0, 19042), tokens};
    }

    private static byte[] address(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putColumn(ByteBuffer body, String name, int typeId) {
        putString(body, name);
        body.putShort((short) typeId);
    }

    private static void putString(ByteBuffer body, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        body.putShort((short) bytes.length).put(bytes);
    }

    /** Accepts one connection, answers STARTUP with READY and the QUERY with {@code queryReply}. */
    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final CompletableFuture<String> query = new CompletableFuture<>();

        ScriptedServer(Reply queryReply) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            Thread thread = new Thread(() -> serve(queryReply), "fake-cql-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        String receivedQuery() throws Exception {
            return query.get();
        }

        private void serve(Reply queryReply) {
            try (Socket client = socket.accept()) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                ByteBuffer startup = readRequest(in, 0x01);
                assertThat(startup.getShort()).isEqualTo((short) 1);
                write(out, new Reply(0x02, ByteBuffer.allocate(0)));
                ByteBuffer request = readRequest(in, 0x07);
                byte[] text = new byte[request.getInt()];
                request.get(text);
                query.complete(new String(text, StandardCharsets.UTF_8));
                write(out, queryReply);
            } catch (IOException | RuntimeException | AssertionError e) {
                query.completeExceptionally(e);
            }
        }

        private static ByteBuffer readRequest(DataInputStream in, int expectedOpcode) throws IOException {
            assertThat(in.readUnsignedByte()).isEqualTo(0x04);
            in.readUnsignedByte();
            in.readShort();
            assertThat(in.readUnsignedByte()).isEqualTo(expectedOpcode);
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return ByteBuffer.wrap(body);
        }

        private static void write(DataOutputStream out, Reply reply) throws IOException {
            out.writeByte(0x84);
            out.writeByte(0);
            out.writeShort(0);
            out.writeByte(reply.opcode());
            out.writeInt(reply.body().remaining());
            out.write(reply.body().array(), reply.body().arrayOffset() + reply.body().position(),
                    reply.body().remaining());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
