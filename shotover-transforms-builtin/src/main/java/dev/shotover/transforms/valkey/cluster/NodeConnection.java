package dev.shotover.transforms.valkey.cluster;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.protocols.valkey.RespMessageKind;
import dev.shotover.runtime.ProtocolCodecs;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.runtime.tls.TlsConnector;
import dev.shotover.api.valkey.ValkeyFrame;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One connection to one cluster node. Valkey answers in order, so each reply completes the oldest waiting future.
 *
 * <p>Requests sent during one chain run, or during one event-loop task, are written together and flushed once (see
 * {@link FlushBatcher}), so a pipelined batch fanned out to several nodes costs one flush per node, not one per
 * request.
 *
 * <p>Confined to the client connection's event loop. {@link #send} does not take ownership of the request (a
 * retained duplicate of its bytes is written); the reply handed to the future belongs to whoever completes it.
 */
final class NodeConnection {
    private final HostAndPort node;
    private final SinkConnection connection;
    private final ArrayDeque<CompletableFuture<Message>> waiting = new ArrayDeque<>();
    private final Consumer<NodeConnection> onClosed;
    private final FlushBatcher batcher;
    private List<Message> unflushed = new ArrayList<>();
    private boolean flushQueued;
    private boolean closed;
    private boolean retiring;

    /**
     * @param tls TLS to the node, or null for plain TCP
     * @param prelude a command sent first on the connection whose reply is dropped (the client's AUTH), or null
     */
    NodeConnection(RuntimeContext context, HostAndPort node, TlsConnector tls, int connectTimeoutMs,
                   FlushBatcher batcher, ValkeyFrame prelude, Consumer<NodeConnection> onClosed) {
        this.batcher = batcher;
        this.node = node;
        this.onClosed = onClosed;
        this.connection = SinkConnection.open(context, node, tls, connectTimeoutMs,
                () -> ProtocolCodecs.sink(Protocol.VALKEY), new Listener());
        if (prelude != null) {
            send(Message.fromFrame(prelude)).thenAccept(Message::release);
        }
    }

    HostAndPort node() {
        return node;
    }

    boolean isClosed() {
        return closed;
    }

    /** Sends {@code request}; the future completes with its reply, or exceptionally if the connection fails. */
    CompletableFuture<Message> send(Message request) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(new java.io.IOException("the connection to " + node + " is closed"));
            return reply;
        }
        waiting.add(reply);
        unflushed.add(request);
        if (!flushQueued) {
            flushQueued = true;
            batcher.flushLater(this);
        }
        return reply;
    }

    /** Writes and flushes what was sent since the last flush. */
    void flush() {
        flushQueued = false;
        if (closed || unflushed.isEmpty()) {
            return;
        }
        List<Message> batch = unflushed;
        unflushed = new ArrayList<>();
        connection.send(batch);
    }

    private final class Listener implements SinkConnection.Listener {
        @Override
        public void onMessage(Message reply) {
            CompletableFuture<Message> waiter = waiting.poll();
            if (waiter == null || RespMessageKind.of(reply) == RespMessageKind.PUSH) {
                // RESP2 connections get no pushes; anything unasked for is dropped
                reply.release();
                return;
            }
            waiter.complete(reply);
            if (retiring && waiting.isEmpty()) {
                close(new IOException("retired"));
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            failAll(cause);
            onClosed.accept(NodeConnection.this);
        }
    }

    private void failAll(Throwable cause) {
        closed = true;
        unflushed.clear();
        while (!waiting.isEmpty()) {
            waiting.poll().completeExceptionally(cause);
        }
    }

    /** Closes the connection once every request sent on it has been answered. */
    void retire() {
        if (waiting.isEmpty() && unflushed.isEmpty()) {
            close(new IOException("retired"));
        } else {
            retiring = true;
        }
    }

    /** Closes the connection and fails whatever still waits. */
    void close(Throwable cause) {
        if (!closed) {
            connection.close();
            failAll(cause);
        }
    }
}
