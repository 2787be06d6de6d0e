package dev.shotover.runtime.sink;

import dev.shotover.api.Message;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.tls.TlsConnector;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One connection from the proxy to a backend, on the client connection's event loop so that a request never
 * crosses threads. Connects on creation; requests sent before the connection is up wait and go out together once
 * it is. Everything the backend sends is handed to the {@link Listener} in order. A connection that serves one client
 * reads only while that client reads its responses ({@link RuntimeContext#readPacedByClient}).
 *
 * <p>Confined to the event loop it was created on. {@link #send} does not take ownership of the messages: it writes
 * retained duplicates of their bytes (see {@link Message}).
 */
public final class SinkConnection {

    /** Receives what the backend sends, on the event loop. */
    public interface Listener {
        /** One decoded message from the backend; the listener owns it. */
        void onMessage(Message message);

        /**
         * The messages of one read from the backend have all been passed to {@link #onMessage}: what the backend
         * sent in one write arrives between two of these calls, so a sink can hand it on together.
         */
        default void onReadComplete() {
        }

        /**
         * The connection is gone: it failed to connect, the backend closed it, or reading failed. Called once;
         * {@code cause} explains which. Not called after {@link #close()}.
         */
        void onClosed(Throwable cause);
    }

    /** Name of the {@link SslHandler} in a TLS backend connection's pipeline. */
    public static final String TLS_HANDLER_NAME = "tls";

    /** The client this connection serves alone, which may flush it ({@link #writeAll}); null when shared. */
    private final RuntimeContext client;
    private final HostAndPort destination;
    private final Listener listener;
    private final Channel channel;
    private List<Message> waiting = new ArrayList<>();
    private boolean connected;
    private boolean closedByUs;
    private boolean reported;

    private SinkConnection(RuntimeContext context, HostAndPort destination, TlsConnector tls, int connectTimeoutMs,
                           Supplier<List<ChannelHandler>> codec, Listener listener, boolean servesOneClient) {
        this.client = servesOneClient ? context : null;
        this.destination = destination;
        this.listener = listener;
        Bootstrap bootstrap = new Bootstrap()
                .group(context.nettyEventLoop())
                .channel(context.transport().socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, context.allocator())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc(), destination, connectTimeoutMs);
                            handler.handshakeFuture().addListener(f -> {
                                if (!f.isSuccess()) {
                                    onHandshakeFailed(f.cause());
                                }
                            });
                            ch.pipeline().addLast(TLS_HANDLER_NAME, handler);
                        }
                        for (ChannelHandler handler : codec.get()) {
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(new Inbound());
                    }
                });
        ChannelFuture connect = bootstrap.connect(destination.unresolved());
        this.channel = connect.channel();
        if (client != null) {
            // the connection serves this one client: a client that stops reading stops it reading too
            client.readPacedByClient(channel);
        }
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connected = true;
                List<Message> queued = waiting;
                waiting = null;
                if (!queued.isEmpty()) {
                    writeAll(queued);
                }
            } else {
                failWaiting();
                report(new SinkConnectException("Failed to connect to destination " + destination,
                        SinkConnectException.osReason(f.cause())));
            }
        });
    }

    /**
     * Opens a plain TCP connection to {@code destination}.
     *
     * @param codec makes the protocol's decoder and encoder for the new channel
     */
    public static SinkConnection open(RuntimeContext context, HostAndPort destination, int connectTimeoutMs,
                                      Supplier<List<ChannelHandler>> codec, Listener listener) {
        return new SinkConnection(context, destination, null, connectTimeoutMs, codec, listener, true);
    }

    /**
     * Opens a connection to {@code destination}, over TLS when {@code tls} is not null. A failed TLS handshake
     * (which times out after {@code connectTimeoutMs} too) is reported like a failed connect:
     * {@code Failed to connect to destination host:port} caused by {@code TLS handshake failed: <reason>}.
     *
     * @param tls the sink's TLS settings, or null for plain TCP
     * @param codec makes the protocol's decoder and encoder for the new channel
     */
    public static SinkConnection open(RuntimeContext context, HostAndPort destination, TlsConnector tls,
                                      int connectTimeoutMs, Supplier<List<ChannelHandler>> codec, Listener listener) {
        return new SinkConnection(context, destination, tls, connectTimeoutMs, codec, listener, true);
    }

    /**
     * Like {@link #open(RuntimeContext, HostAndPort, TlsConnector, int, Supplier, Listener)}, for a connection that
     * serves several clients of the event loop: it is neither paced nor flushed by the client whose context opens it,
     * and keeps no reference to it.
     */
    public static SinkConnection openShared(RuntimeContext context, HostAndPort destination, TlsConnector tls,
                                            int connectTimeoutMs, Supplier<List<ChannelHandler>> codec,
                                            Listener listener) {
        return new SinkConnection(context, destination, tls, connectTimeoutMs, codec, listener, false);
    }

    public HostAndPort destination() {
        return destination;
    }

    /**
     * Writes the requests (retained duplicates of their bytes) and flushes once: now, or when the runtime has started
     * every chain run of the client's read ({@link RuntimeContext#deferFlush}).
     */
    public void send(List<Message> requests) {
        if (!connected) {
            if (waiting != null) {
                for (Message request : requests) {
                    waiting.add(request);
                }
            }
            return;
        }
        writeAll(requests);
    }

    private void writeAll(List<Message> requests) {
        for (Message request : requests) {
            channel.write(request, channel.voidPromise());
        }
        if (client == null || !client.deferFlush(channel)) {
            channel.flush();
        }
    }

    /**
     * Requests written before the handshake completed waited inside the SslHandler, which has now released them.
     * A failed TCP connect also fails the handshake; that was reported already, by the connect listener.
     */
    private void onHandshakeFailed(Throwable cause) {
        if (connected) {
            report(new SinkConnectException("Failed to connect to destination " + destination,
                    new IOException(TlsConnector.describeHandshakeFailure(cause))));
        }
    }

    private void failWaiting() {
        waiting = null;
    }

    /** True while the backend can read more without queueing in the proxy. */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Closes the connection; the listener hears nothing more. */
    public void close() {
        closedByUs = true;
        waiting = null;
        channel.close();
    }

    private void report(Throwable cause) {
        if (!reported && !closedByUs) {
            reported = true;
            listener.onClosed(cause);
        }
    }

    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closedByUs) {
                ((Message) msg).release();
                return;
            }
            listener.onMessage((Message) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!closedByUs) {
                listener.onReadComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            report(new IOException("The destination " + destination + " closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (TlsConnector.isHandshakeFailure(cause)) {
                // with TLS 1.3 a backend refuses a client certificate (or its absence) only after the client's
                // side of the handshake is done, so this arrives as a read error; it is still a failed connect
                report(new SinkConnectException("Failed to connect to destination " + destination,
                        new IOException(TlsConnector.describeHandshakeFailure(cause))));
            } else {
                report(new IOException("Failed to read from destination " + destination + ": " + cause.getMessage(),
                        cause));
            }
            ctx.close();
        }
    }
}
