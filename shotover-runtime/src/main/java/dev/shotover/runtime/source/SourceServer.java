package dev.shotover.runtime.source;

import dev.shotover.api.Metrics;
import dev.shotover.runtime.ProtocolCodecs;
import dev.shotover.runtime.chain.ChainDefinition;
import dev.shotover.runtime.chain.TopologyBuilder.BuiltSource;
import dev.shotover.runtime.config.SourceConfig;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.net.Transport;
import dev.shotover.runtime.observability.ProxyMetrics;
import dev.shotover.runtime.tls.TlsAcceptor;
import io.micrometer.core.instrument.Timer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source: the listener for one {@code sources:} entry and the connections it accepted.
 *
 * <p>Enforces {@code connection_limit} the way Shotover documents it. With the soft limit (default) a connection over
 * the limit waits: the listener stops accepting and resumes when a connection closes. With
 * {@code hard_connection_limit: true} the listening socket is closed while the limit is reached, so new connections
 * are refused, and it is re-created (checked every second) once there is room again.
 *
 * <p>Thread-safety: the limit bookkeeping is synchronized (it runs on accept and close, not per request).
 */
public final class SourceServer {
    private static final Logger log = LoggerFactory.getLogger(SourceServer.class);

    private final SourceConfig config;
    private final ChainDefinition chain;
    /** Null for plain TCP. */
    private final TlsAcceptor tls;
    private final EventLoopGroup group;
    private final Transport transport;
    private final ProxyMetrics metrics;
    private final Timer sinkToSourceLatency;
    private final Metrics.Counter connectionsOpened;
    private final Metrics.Counter listenerCreateFailures;
    private final ConnectionGate gate = new ConnectionGate();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();

    private InetSocketAddress bindAddress;
    private Channel listener;
    private int active;
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();
    private ScheduledFuture<?> rebindTask;
    private boolean closed;

    public SourceServer(BuiltSource built, EventLoopGroup group, Transport transport, ProxyMetrics metrics) {
        this.config = built.config();
        this.chain = built.chain();
        this.tls = built.tls();
        this.group = group;
        this.transport = transport;
        this.metrics = metrics;
        this.sinkToSourceLatency = metrics.timer("shotover_sink_to_source_latency_seconds", "source", config.name());
        this.connectionsOpened = metrics.counter("connections_opened", "source", config.name());
        this.listenerCreateFailures = metrics.counter("shotover_listener_create_failures_count", "source", config.name());
        metrics.counter("shotover_connections_accept_failures_count", "source", config.name());
        metrics.gauge("shotover_available_connections_count", this::availableConnections, "source", config.name());
    }

    public String name() {
        return config.name();
    }

    ChainDefinition chain() {
        return chain;
    }

    /** True when responses must reach clients in request order; Cassandra pairs them by stream id instead. */
    boolean inOrder() {
        return config.protocol().isInOrder();
    }

    Transport transport() {
        return transport;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    Timer sinkToSourceLatency() {
        return sinkToSourceLatency;
    }

    /** Binds the listener; blocks until bound. Returns the bound address (the real port when 0 was asked). */
    public InetSocketAddress bind() {
        HostAndPort address = HostAndPort.parse(config.listenAddr());
        ChannelFuture future = newBootstrap().bind(address.resolve()).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IllegalStateException("Failed to bind source " + config.name() + " to address="
                    + address + ": " + future.cause().getMessage(), future.cause());
        }
        synchronized (this) {
            listener = future.channel();
            bindAddress = (InetSocketAddress) listener.localAddress();
        }
        return bindAddress;
    }

    public synchronized InetSocketAddress boundAddress() {
        return bindAddress;
    }

    private ServerBootstrap newBootstrap() {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(gate)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (config.timeout() != null) {
                            ch.pipeline().addLast(new IdleStateHandler(config.timeout(), 0, 0, TimeUnit.SECONDS));
                        }
                        for (ChannelHandler handler : ProtocolCodecs.source(config, metrics)) {
                            ch.pipeline().addLast(handler);
                        }
                        ClientConnection connection = new ClientConnection(SourceServer.this);
                        connections.add(connection);
                        ch.closeFuture().addListener(f -> connections.remove(connection));
                        ch.pipeline().addLast(connection);
                        if (tls != null) {
                            // first in the pipeline, so that every protocol's handlers see plain bytes
                            tls.install(ch);
                        }
                    }
                });
    }

    private synchronized double availableConnections() {
        return config.connectionLimit() - active;
    }

    /** Sees every accepted connection before it is set up, to apply the connection limit. */
    @ChannelHandler.Sharable
    private final class ConnectionGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            synchronized (SourceServer.this) {
                if (closed) {
                    child.close();
                    return;
                }
                if (active >= config.connectionLimit()) {
                    if (config.hardConnectionLimit()) {
                        child.close();
                    } else {
                        waiting.add(child);
                    }
                    return;
                }
                admit(ctx, child);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            metrics.counter("shotover_connections_accept_failures_count", "source", config.name()).increment();
            log.warn("failed to accept a connection on source {}: {}", config.name(), cause.toString());
        }
    }

    /** Hands an accepted connection on to be set up; caller holds the lock. */
    private void admit(ChannelHandlerContext serverCtx, Channel child) {
        active++;
        connectionsOpened.increment();
        child.closeFuture().addListener(f -> onConnectionClosed(serverCtx));
        if (active >= config.connectionLimit()) {
            if (config.hardConnectionLimit()) {
                closeListenerUntilThereIsRoom();
            } else {
                serverCtx.channel().config().setAutoRead(false);
            }
        }
        serverCtx.fireChannelRead(child);
    }

    private synchronized void onConnectionClosed(ChannelHandlerContext serverCtx) {
        active--;
        if (closed) {
            return;
        }
        while (!waiting.isEmpty()) {
            Channel next = waiting.poll();
            if (next.isOpen()) {
                admit(serverCtx, next);
                return;
            }
        }
        if (!config.hardConnectionLimit() && listener != null && listener.isOpen()) {
            listener.config().setAutoRead(true);
        }
    }

    private void closeListenerUntilThereIsRoom() {
        if (listener == null) {
            return;
        }
        Channel old = listener;
        listener = null;
        old.close();
        log.debug("source {} reached its hard connection limit of {}; listener closed", config.name(),
                config.connectionLimit());
        rebindTask = group.next().scheduleAtFixedRate(this::rebindIfThereIsRoom, 1, 1, TimeUnit.SECONDS);
    }

    private void rebindIfThereIsRoom() {
        synchronized (this) {
            if (closed || listener != null || active >= config.connectionLimit()) {
                return;
            }
        }
        ChannelFuture future = newBootstrap().bind(bindAddress).awaitUninterruptibly();
        synchronized (this) {
            if (!future.isSuccess()) {
                listenerCreateFailures.increment();
                log.warn("failed to re-create the listener of source {} on {}: {}", config.name(), bindAddress,
                        future.cause().getMessage());
                return;
            }
            if (closed) {
                future.channel().close();
                return;
            }
            listener = future.channel();
            rebindTask.cancel(false);
            rebindTask = null;
        }
    }

    /** Stops accepting connections. */
    public void stopAccepting() {
        Channel l;
        synchronized (this) {
            closed = true;
            l = listener;
            listener = null;
            if (rebindTask != null) {
                rebindTask.cancel(false);
            }
            for (Channel c : waiting) {
                c.close();
            }
            waiting.clear();
        }
        if (l != null) {
            l.close().awaitUninterruptibly();
        }
    }

    /** Drains every connection (see {@link ClientConnection#drain}); the future completes when all are closed. */
    public Future<Void> drainConnections() {
        Promise<Void> all = GlobalEventExecutor.INSTANCE.newPromise();
        List<Promise<Void>> each = new ArrayList<>();
        for (ClientConnection connection : connections) {
            Channel channel = connection.channelOrNull();
            if (channel == null) {
                continue;
            }
            Promise<Void> done = channel.eventLoop().newPromise();
            each.add(done);
            channel.eventLoop().execute(() -> connection.drain(done));
        }
        PromiseCombiner combiner = new PromiseCombiner(GlobalEventExecutor.INSTANCE);
        GlobalEventExecutor.INSTANCE.execute(() -> {
            for (Promise<Void> p : each) {
                combiner.add(p);
            }
            combiner.finish(all);
        });
        return all;
    }
}
