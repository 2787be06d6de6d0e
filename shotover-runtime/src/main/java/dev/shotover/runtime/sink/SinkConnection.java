package dev.shotover.runtime.sink;

import dev.shotover.api.Message;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One connection from the proxy to a backend, on the client connection's event loop so that a request never
 * crosses threads. Connects on creation; requests sent before the connection is up wait and go out together once
 * it is. Everything the backend sends is handed to the {@link Listener} in order.
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
         * The connection is gone: it failed to connect, the backend closed it, or reading failed. Called once;
         * {@code cause} explains which. Not called after {@link #close()}.
         */
        void onClosed(Throwable cause);
    }

    private final HostAndPort destination;
    private final Listener listener;
    private final Channel channel;
    private List<Message> waiting = new ArrayList<>();
    private boolean connected;
    private boolean closedByUs;
    private boolean reported;

    private SinkConnection(RuntimeContext context, HostAndPort destination, int connectTimeoutMs,
                           Supplier<List<ChannelHandler>> codec, Listener listener) {
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
                        for (ChannelHandler handler : codec.get()) {
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(new Inbound());
                    }
                });
        ChannelFuture connect = bootstrap.connect(destination.unresolved());
        this.channel = connect.channel();
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
     * Opens a connection to {@code destination}.
     *
     * @param codec makes the protocol's decoder and encoder for the new channel
     */
    public static SinkConnection open(RuntimeContext context, HostAndPort destination, int connectTimeoutMs,
                                      Supplier<List<ChannelHandler>> codec, Listener listener) {
        return new SinkConnection(context, destination, connectTimeoutMs, codec, listener);
    }

    public HostAndPort destination() {
        return destination;
    }

    /** Writes the requests (retained duplicates of their bytes) and flushes once. */
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
        channel.flush();
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
        public void channelInactive(ChannelHandlerContext ctx) {
            report(new IOException("The destination " + destination + " closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            report(new IOException("Failed to read from destination " + destination + ": " + cause.getMessage(), cause));
            ctx.close();
        }
    }
}
