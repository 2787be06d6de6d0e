package dev.shotover.transforms.cassandra;

import dev.shotover.api.ChainState;
import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.protocols.cassandra.CassandraCodecs;
import dev.shotover.protocols.cassandra.CqlCodecOptions;
import dev.shotover.protocols.cassandra.CqlStreamIdQueue;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.ReadTimeout;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.runtime.tls.TlsConnector;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The per-connection instance of {@code CassandraSinkSingle}: one connection to the node, opened on the first request.
 *
 * <p>Each request gets a stream id of the backend connection ({@link StreamIds}); its response is found by that id,
 * given back the client's stream id and paired with the request. Responses arrive in any order; a run completes when
 * all of its requests are answered. Server events (stream id -1) are handed up on a forced run of their own. When
 * the node cannot be reached, goes away or answers nothing for {@code read_timeout}, every outstanding run fails,
 * which makes the runtime answer the driver with server errors naming the cause and close the connection.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop, like its backend connection.
 * <b>Buffers.</b> Responses and events are handed up (the runtime releases them); those of a failed run are released
 * here.
 */
final class CassandraSinkSingle implements Transform {
    private static final int OPCODE_ERROR = 0x00;
    private static final int OPCODE_EVENT = 0x0C;

    private final RuntimeContext context;
    private final HostAndPort destination;
    private final TlsConnector tls;
    private final int connectTimeoutMs;
    private final Metrics.Counter failedRequests;
    private final ReadTimeout readTimeout;

    private SinkConnection connection;
    private final StreamIds streamIds = new StreamIds();
    private final OutstandingRequests outstanding = new OutstandingRequests();
    /** The backend stream ids of the requests sent, for the encoder, which writes them into the outgoing headers. */
    private final CqlStreamIdQueue sentStreamIds = new CqlStreamIdQueue();
    private List<Message> events = new ArrayList<>();
    private Throwable failure;

    CassandraSinkSingle(RuntimeContext context, HostAndPort destination, TlsConnector tls, int connectTimeoutMs,
                        Long readTimeoutSeconds, Metrics.Counter failedRequests) {
        this.context = context;
        this.destination = destination;
        this.tls = tls;
        this.connectTimeoutMs = connectTimeoutMs;
        this.failedRequests = failedRequests;
        this.readTimeout = new ReadTimeout(context.eventLoop(), readTimeoutSeconds, () -> destination,
                () -> !outstanding.isEmpty() && failure == null, this::fail);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (failure != null) {
            if (requests.isEmpty()) {
                // the node went away with nothing outstanding: end the client connection as the node ended ours
                state.setCloseClientConnection(true);
                return CompletableFuture.completedFuture(takeEvents());
            }
            return CompletableFuture.failedFuture(failure);
        }
        if (requests.isEmpty()) {
            // a forced run: the events that arrived since the last one travel up now
            return CompletableFuture.completedFuture(takeEvents());
        }
        if (connection == null) {
            connection = SinkConnection.open(context, destination, tls, connectTimeoutMs, this::codec,
                    new Listener());
        }
        ResponseBatch batch = new ResponseBatch(requests.size());
        boolean wasIdle = outstanding.isEmpty();
        List<Message> toSend = requests;
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            int streamId = streamIds.acquire();
            if (streamId < 0) {
                // 32768 requests outstanding on one connection: shed this one the way an overloaded node would
                if (toSend == requests) {
                    toSend = new ArrayList<>(requests.subList(0, i));
                }
                batch.put(i, request.errorResponse(ErrorKind.OVERLOADED,
                        "Server overloaded: too many requests in flight on one connection"));
                continue;
            }
            if (toSend != requests) {
                toSend.add(request);
            }
            outstanding.put(streamId, request.id(), clientStreamId(request), batch, i);
            sentStreamIds.add(streamId);
        }
        if (wasIdle && !outstanding.isEmpty()) {
            readTimeout.start();
        }
        connection.send(toSend);
        return batch.done();
    }

    private static int clientStreamId(Message request) {
        ByteBuf raw = request.rawBytes();
        return raw != null ? raw.getShort(raw.readerIndex() + 2) : request.frame(CassandraFrame.class).streamId();
    }

    private List<Message> takeEvents() {
        if (events.isEmpty()) {
            return List.of();
        }
        List<Message> taken = events;
        events = new ArrayList<>();
        return taken;
    }

    /** The CQL codec, whose encoder gives each outgoing request its backend stream id. */
    private List<ChannelHandler> codec() {
        return CassandraCodecs.sink(CqlCodecOptions.defaults(), sentStreamIds);
    }

    private final class Listener implements SinkConnection.Listener {
        @Override
        public void onMessage(Message response) {
            ByteBuf raw = response.rawBytes();
            int streamId = raw.getShort(raw.readerIndex() + 2);
            int opcode = raw.getByte(raw.readerIndex() + 4);
            if (opcode == OPCODE_EVENT || streamId < 0) {
                events.add(response);
                context.forceRunChain();
                return;
            }
            if (!outstanding.isWaiting(streamId)) {
                response.release();
                fail(new IOException("received a response from destination " + destination
                        + " for stream id " + streamId + ", which no request is waiting on"));
                return;
            }
            ResponseBatch batch = outstanding.batch(streamId);
            int index = outstanding.index(streamId);
            response.setRequestId(outstanding.requestId(streamId));
            // the response is ours alone (decoded from the backend connection), so its header can change in place
            raw.setShort(raw.readerIndex() + 2, outstanding.clientStreamId(streamId));
            outstanding.remove(streamId);
            streamIds.release(streamId);
            readTimeout.progress();
            if (opcode == OPCODE_ERROR) {
                failedRequests.increment();
            }
            batch.put(index, response);
        }

        @Override
        public void onClosed(Throwable cause) {
            fail(cause);
        }
    }

    /**
     * Fails every outstanding run and all later ones; the runtime then answers the driver with errors and closes.
     * With nothing outstanding the client connection is closed quietly on a forced run.
     */
    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        readTimeout.cancel();
        boolean idle = outstanding.isEmpty();
        failOutstanding(cause);
        if (connection != null) {
            connection.close();
        }
        if (idle) {
            context.forceRunChain();
        }
    }

    private void failOutstanding(Throwable cause) {
        outstanding.failAll(cause);
    }

    @Override
    public void close() {
        readTimeout.cancel();
        if (connection != null) {
            connection.close();
        }
        failOutstanding(new IOException("the client connection closed"));
        for (Message event : events) {
            event.release();
        }
        events.clear();
    }
}
