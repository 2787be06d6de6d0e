package dev.shotover.transforms.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.event.StatusChangeEvent;
import com.datastax.oss.protocol.internal.response.event.TopologyChangeEvent;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.Rows;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlStatement;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Rewrites {@code native_port} in results of {@code SELECT ... FROM system.peers_v2} and the port of topology and
 * status events to the configured port.
 *
 * <p>Which result columns hold {@code native_port} is decided from the statement, so every form drivers and people
 * write works: the plain column, an alias ({@code native_port AS p}), the column selected twice, and {@code *}. Only
 * QUERY requests are looked at (drivers read the peers table with plain queries); their opcode is read from the
 * header, so other requests are never decoded. Events are decoded only when they arrive.
 *
 * <p><b>Threading.</b> On the connection's event loop. <b>Buffers.</b> A rewritten response gets a new frame; the
 * message releases its old bytes itself.
 */
final class CassandraPeersRewrite implements Transform {
    private static final String NATIVE_PORT = "native_port";

    private final int port;

    CassandraPeersRewrite(int port) {
        this.port = port;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        Map<MessageId, Set<String>> portColumns = null;
        for (Message request : state.requests()) {
            Set<String> columns = portColumns(request);
            if (columns != null) {
                if (portColumns == null) {
                    portColumns = new HashMap<>();
                }
                portColumns.put(request.id(), columns);
            }
        }
        Map<MessageId, Set<String>> rewrites = portColumns;
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                if (response.requestId() == null) {
                    rewriteEvent(response);
                } else if (rewrites != null) {
                    Set<String> columns = rewrites.get(response.requestId());
                    if (columns != null) {
                        rewriteRows(response, columns);
                    }
                }
            }
            return responses;
        });
    }

    /** {@return the result column names that will hold native_port, or null when the request is not such a query} */
    private static Set<String> portColumns(Message request) {
        ByteBuf raw = request.rawBytes();
        if (raw != null && raw.getByte(raw.readerIndex() + 4) != ProtocolConstants.Opcode.QUERY) {
            return null;
        }
        CassandraFrame frame = request.frame(CassandraFrame.class);
        if (frame.opcode() != ProtocolConstants.Opcode.QUERY || frame.statements().size() != 1) {
            return null;
        }
        CqlStatement statement = frame.statements().get(0);
        if (!"system".equals(statement.keyspace()) || !"peers_v2".equals(statement.table())
                || !statement.selectsColumn(NATIVE_PORT)) {
            return null;
        }
        Set<String> names = new HashSet<>();
        if (statement.selectsAll()) {
            names.add(NATIVE_PORT);
        }
        for (CqlStatement.Selector selector : statement.selectors()) {
            if (NATIVE_PORT.equals(selector.column())) {
                names.add(selector.resultName());
            }
        }
        return names;
    }

    private void rewriteRows(Message response, Set<String> columns) {
        CassandraFrame frame = response.frame(CassandraFrame.class);
        if (!(frame.message() instanceof Rows rows)) {
            return;
        }
        List<ColumnSpec> specs = rows.getMetadata().columnSpecs;
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ColumnSpec spec = specs.get(i);
            if (columns.contains(spec.name) && spec.type.id == ProtocolConstants.DataType.INT) {
                indexes.add(i);
            }
        }
        if (indexes.isEmpty()) {
            return;
        }
        Queue<List<ByteBuffer>> data = new ArrayDeque<>(rows.getData().size());
        for (List<ByteBuffer> row : rows.getData()) {
            List<ByteBuffer> rewritten = new ArrayList<>(row);
            for (int index : indexes) {
                if (rewritten.get(index) != null) {
                    rewritten.set(index, ByteBuffer.allocate(4).putInt(0, port));
                }
            }
            data.add(rewritten);
        }
        response.setFrame(frame.withMessage(new DefaultRows(rows.getMetadata(), data)));
    }

    private void rewriteEvent(Message response) {
        ByteBuf raw = response.rawBytes();
        if (raw != null && raw.getByte(raw.readerIndex() + 4) != ProtocolConstants.Opcode.EVENT) {
            return;
        }
        CassandraFrame frame = response.frame(CassandraFrame.class);
        if (frame.message() instanceof StatusChangeEvent status && status.address.getPort() != port) {
            response.setFrame(frame.withMessage(new StatusChangeEvent(status.changeType, withPort(status.address))));
        } else if (frame.message() instanceof TopologyChangeEvent topology && topology.address.getPort() != port) {
            response.setFrame(frame.withMessage(
                    new TopologyChangeEvent(topology.changeType, withPort(topology.address))));
        }
    }

    private InetSocketAddress withPort(InetSocketAddress address) {
        return new InetSocketAddress(address.getAddress(), port);
    }
}
