package dev.shotover.protocols.cassandra;

import static dev.shotover.protocols.cassandra.CqlSamples.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import dev.shotover.api.Message;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The source codec learns the connection's keyspace from the server's answers to USE. */
class CqlKeyspaceTrackingTest {

    @Test
    void requestsAfterAConfirmedUseResolveUnqualifiedTablesAndAFailedUseChangesNothing() {
        for (int version : List.of(3, 4, 5)) {
            try (CqlTestConnection client = CqlTestConnection.client(version, CqlCompression.NONE)) {
                client.receive(client.wireOf(List.of(envelope(version, 1, new Query("SELECT * FROM t")))));
                CassandraFrame before = client.readMessages().get(0).frame(CassandraFrame.class);
                assertThat(before.connectionKeyspace()).isNull();
                assertThat(before.statements()).extracting(CqlStatement::keyspace).containsOnlyNulls();

                client.channel.writeOutbound(Message.fromFrame(CassandraFrame.responseTo(version, 2,
                        new SetKeyspace("shop"))));
                client.channel.flush();
                client.readWire();
                client.receive(client.wireOf(List.of(
                        envelope(version, 3, new Query("SELECT * FROM orders")),
                        envelope(version, 4, new Query("SELECT * FROM other.items")))));
                List<Message> after = client.readMessages();
                assertThat(after.get(0).frame(CassandraFrame.class).statements())
                        .extracting(CqlStatement::keyspace, CqlStatement::table).containsExactly(
                                org.assertj.core.groups.Tuple.tuple("shop", "orders"));
                assertThat(after.get(1).frame(CassandraFrame.class).statements())
                        .extracting(CqlStatement::keyspace).containsExactly("other");

                // an error answering a USE leaves the keyspace as it was
                client.channel.writeOutbound(Message.fromFrame(CassandraFrame.responseTo(version, 5,
                        new Error(0x2200, "Keyspace 'nope' does not exist"))));
                client.channel.flush();
                client.readWire();
                client.receive(client.wireOf(List.of(envelope(version, 6, new Query("SELECT * FROM orders")))));
                assertThat(client.readMessages().get(0).frame(CassandraFrame.class).connectionKeyspace())
                        .isEqualTo("shop");
            }
        }
    }

    @Test
    void theKeyspaceIsReadFromTheHeaderAndBodyStartWithoutDecoding() {
        byte[] setKeyspace = envelope(4, 7, new SetKeyspace("Quoted Ks"));
        assertThat(CqlEnvelopes.setKeyspaceOf(io.netty.buffer.Unpooled.wrappedBuffer(setKeyspace)))
                .isEqualTo("Quoted Ks");
        byte[] withWarnings = envelope(Frame.forResponse(4, 7, null, Frame.NO_PAYLOAD, List.of("careful"),
                new SetKeyspace("ks")));
        assertThat(CqlEnvelopes.setKeyspaceOf(io.netty.buffer.Unpooled.wrappedBuffer(withWarnings))).isEqualTo("ks");
        byte[] query = envelope(4, 7, new Query("USE ks"));
        assertThat(CqlEnvelopes.setKeyspaceOf(io.netty.buffer.Unpooled.wrappedBuffer(query))).isNull();
    }
}
