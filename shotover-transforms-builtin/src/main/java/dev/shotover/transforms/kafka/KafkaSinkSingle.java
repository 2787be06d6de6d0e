package dev.shotover.transforms.kafka;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import dev.shotover.protocols.kafka.KafkaCodecs;
import dev.shotover.protocols.kafka.KafkaMessageDecoder;
import dev.shotover.protocols.kafka.KafkaResponsePart;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.ReadTimeout;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.runtime.tls.TlsConnector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The per-connection instance of {@code KafkaSinkSingle}: one connection to the broker at the client's destination
 * IP and {@code destination_port}, opened on the first request.
 *
 * <p>Requests are written as they arrive (pipelined). A broker answers the requests of a connection in order,
 * except Produce with {@code acks=0}, which it never answers: such a request gets a {@link KafkaFrame.NoResponse}
 * at once, which the source does not write. Each broker response is paired with the oldest request still waiting,
 * responses naming brokers get the proxy's listen port ({@link BrokerPortRewriter}) and ApiVersions responses
 * offer no version the proxy could not decode ({@link ApiVersionsLimiter}). When the broker cannot be
 * reached, goes away, answers nothing for {@code read_timeout} or sends something that cannot be paired, every
 * outstanding run fails, which makes the runtime answer the client with errors and close the connection.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop, like its backend connection.
 * <b>Buffers.</b> Responses are handed up (the runtime releases them); responses of a failed run are released here.
 */
final class KafkaSinkSingle implements Transform {
    private final RuntimeContext context;
    private final int destinationPort;
    private final int connectTimeoutMs;
    /** Null for plain TCP. */
    private final TlsConnector tls;

    private SinkConnection connection;
    private HostAndPort destination;
    private int listenPort;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private Throwable failure;
    private final ReadTimeout readTimeout;
    /**
     * Until the backend connection is up, the {@link SinkConnection} queues the request messages themselves rather
     * than their bytes; a run must not complete (which releases its requests) before they are written. So the
     * answers to {@code acks=0} Produce requests wait here until the channel is active.
     */
    private boolean connected;
    private List<HeldBack> heldBack = new ArrayList<>();
    private final FetchCutThrough cutThrough;
    /** The broker channel when its bytes can be spliced to the client (see {@link FetchCutThrough}); else null. */
    private Channel spliceable;

    /** One request waiting for its response, with what is needed to rewrite that response. */
    private record Outstanding(MessageId requestId, short apiKey, short apiVersion, ResponseBatch batch, int index) {
    }

    /** The stand-in answer to an {@code acks=0} Produce, held back until the connection is up. */
    private record HeldBack(Message response, ResponseBatch batch, int index) {
    }

    KafkaSinkSingle(RuntimeContext context, int destinationPort, TlsConnector tls, int connectTimeoutMs,
                    Long readTimeoutSeconds) {
        this.context = context;
        this.tls = tls;
        this.destinationPort = destinationPort;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeout = new ReadTimeout(context.eventLoop(), readTimeoutSeconds, () -> destination,
                () -> !outstanding.isEmpty() && failure == null, this::fail);
        this.cutThrough = new FetchCutThrough(context::streamResponse, this::fail);
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (failure != null) {
            if (requests.isEmpty()) {
                // the broker went away with nothing outstanding (see fail): end the client connection quietly
                state.setCloseClientConnection(true);
                return CompletableFuture.completedFuture(List.of());
            }
            return CompletableFuture.failedFuture(failure);
        }
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (connection == null) {
            connect(state.localAddress());
        }
        ResponseBatch batch = new ResponseBatch(requests.size());
        boolean wasIdle = outstanding.isEmpty();
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            short apiKey = KafkaMessages.requestApiKey(request);
            short version = KafkaMessages.requestApiVersion(request);
            if (KafkaMessages.expectsResponse(request)) {
                outstanding.add(new Outstanding(request.id(), apiKey, version, batch, i));
            } else {
                Message none = Message.responseTo(request, new KafkaFrame.NoResponse(ApiKeys.forId(apiKey), version,
                        KafkaMessages.requestCorrelationId(request)));
                if (connected) {
                    batch.put(i, none);
                } else {
                    heldBack.add(new HeldBack(none, batch, i));
                }
            }
        }
        if (wasIdle && !outstanding.isEmpty()) {
            readTimeout.start();
        }
        connection.send(requests);
        return batch.done();
    }

    /** The broker is on the IP the client connected to: one proxy runs next to each broker. */
    private void connect(SocketAddress local) {
        if (!(local instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            throw new IllegalStateException("KafkaSinkSingle needs a TCP source, but the client connected to " + local);
        }
        listenPort = inet.getPort();
        destination = new HostAndPort(inet.getAddress().getHostAddress(), destinationPort);
        connection = SinkConnection.open(context, destination, tls, connectTimeoutMs, this::codec, new Listener());
    }

    /**
     * The Kafka codec (reporting large Fetch responses while they arrive), plus a handler that hears when the
     * connection is up and takes those reports.
     */
    private List<ChannelHandler> codec() {
        List<ChannelHandler> handlers = new ArrayList<>(KafkaCodecs.sink(true));
        handlers.add(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (context.canSpliceToClient(ctx.channel())) {
                    spliceable = ctx.channel();
                    ctx.pipeline().get(KafkaMessageDecoder.class).reportEveryRead(true);
                }
                // a task of its own, so it runs after the SinkConnection has written what it queued meanwhile
                ctx.executor().execute(KafkaSinkSingle.this::onConnected);
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof KafkaResponsePart part) {
                    onResponsePart(part);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        });
        return handlers;
    }

    /** Part of a large Fetch response, which answers the oldest request outstanding (the decoder checked). */
    private void onResponsePart(KafkaResponsePart part) {
        Outstanding oldest = outstanding.peek();
        if (failure != null || oldest == null) {
            part.received().release();
            return;
        }
        cutThrough.onPart(part, oldest.requestId(), oldest.apiVersion(), spliceable);
    }

    private void onConnected() {
        connected = true;
        List<HeldBack> ready = heldBack;
        heldBack = new ArrayList<>();
        for (HeldBack none : ready) {
            none.batch().put(none.index(), none.response());
        }
    }

    private final class Listener implements SinkConnection.Listener {
        @Override
        public void onMessage(Message response) {
            Outstanding request = outstanding.poll();
            if (request == null) {
                // the codec pairs responses by correlation id first, so this means the two disagree: a bug
                response.release();
                fail(new IOException("received a response from destination " + destination
                        + " while no request was waiting for one"));
                return;
            }
            readTimeout.progress();
            response.setRequestId(request.requestId());
            if (cutThrough.isStreaming(request.requestId())) {
                try {
                    cutThrough.finish(response, request.apiVersion(), listenPort);
                } catch (IOException | RuntimeException e) {
                    response.release();
                    fail(new IOException("failed to pass on a Fetch response from destination " + destination
                            + ": " + e.getMessage(), e));
                    return;
                }
                request.batch().put(request.index(), response);
                return;
            }
            try {
                if (request.apiKey() == ApiKeys.API_VERSIONS.id) {
                    ApiVersionsLimiter.limit(response);
                } else {
                    BrokerPortRewriter.rewrite(response, request.apiKey(), request.apiVersion(), listenPort);
                }
            } catch (RuntimeException e) {
                response.release();
                fail(new IOException("failed to rewrite a " + ApiKeys.forId(request.apiKey()).name
                        + " response from destination " + destination + ": " + e.getMessage(), e));
                return;
            }
            request.batch().put(request.index(), response);
        }

        @Override
        public void onClosed(Throwable cause) {
            fail(cause);
        }
    }

    /**
     * Fails every outstanding run and all later ones; the runtime then answers the client with errors and closes.
     * When nothing was outstanding (a broker closes a connection after a failed authentication, or an idle one), the
     * client connection is closed at once and quietly, as the broker closed its own: a run is forced for that.
     */
    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        readTimeout.cancel();
        cutThrough.stop();
        boolean idle = outstanding.isEmpty() && heldBack.isEmpty();
        failOutstanding(cause);
        if (connection != null) {
            connection.close();
        }
        if (idle) {
            context.forceRunChain();
        }
    }

    private void failOutstanding(Throwable cause) {
        while (!outstanding.isEmpty()) {
            outstanding.poll().batch().fail(cause);
        }
        for (HeldBack none : heldBack) {
            none.response().release();
            none.batch().fail(cause);
        }
        heldBack = new ArrayList<>();
    }

    @Override
    public void close() {
        readTimeout.cancel();
        if (connection != null) {
            connection.close();
        }
        failOutstanding(new IOException("the client connection closed"));
    }
}
