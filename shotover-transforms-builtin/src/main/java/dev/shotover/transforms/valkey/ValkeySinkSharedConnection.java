package dev.shotover.transforms.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Metrics;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespMessageKind;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.ReadTimeout;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.runtime.sink.SinkConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend connection of {@code ValkeySinkShared}, shared by the client connections of one event loop. Requests of
 * every client go into one FIFO in the order they are sent; Valkey answers in order, so each reply belongs to the
 * oldest entry, and goes to that client's {@link ResponseBatch} with that request's id.
 *
 * <p><b>Writes are batched per event-loop turn.</b> {@link #send} only queues; the first request of a turn schedules
 * one task that writes everything queued and flushes once. Netty runs that task after it has handled every socket
 * that was ready, so the requests of all clients read in one turn leave in one write, and Redis reads and answers
 * them together.
 *
 * <p><b>Failures.</b> When the connection fails (connect, TLS, AUTH, the backend closing it, a read timeout), every
 * outstanding request of every client is answered with {@code -ERR Shotover ValkeySinkShared: <cause>}, the client
 * connections stay open, and the next request opens a new connection. An entry whose client has gone stays in the
 * FIFO until its reply arrives, so the pairing of later replies does not shift; the reply completes the client's
 * batch, which the runtime then releases unread.
 *
 * <p><b>Buffers.</b> Each entry owns a copy of its request ({@link Message#copyWithNewId()}: a retained duplicate of the
 * bytes) until the reply arrives or the connection fails, so what was queued can always be written, whatever happens
 * to the client's own request meanwhile. Replies are handed on with their ownership.
 *
 * <p>Confined to its event loop; no locks.
 */
final class ValkeySinkSharedConnection {
    private static final Logger log = LoggerFactory.getLogger(ValkeySinkSharedConnection.class);

    /** The wire: a backend connection that writes a list of requests with one flush. */
    interface Link {
        /** Writes the requests (retained duplicates of their bytes, as {@link SinkConnection#send} does) and flushes. */
        void send(List<Message> requests);

        void close();
    }

    /** Opens a {@link Link} (in production a {@link SinkConnection}; tests give a fake). */
    interface LinkOpener {
        /**
         * @param context  the client connection whose request needs the connection (its event loop is this one's)
         * @param listener receives the replies and the failure
         */
        Link open(RuntimeContext context, SinkConnection.Listener listener);
    }

    /** A request sent and not yet answered. {@code batch} is null for the sink's own AUTH. */
    private static final class Entry {
        final ResponseBatch batch;
        final int index;
        final MessageId requestId;
        final Message copy;

        Entry(ResponseBatch batch, int index, MessageId requestId, Message copy) {
            this.batch = batch;
            this.index = index;
            this.requestId = requestId;
            this.copy = copy;
        }
    }

    private final ScheduledExecutorService eventLoop;
    private final HostAndPort destination;
    private final LinkOpener opener;
    /** {@code AUTH [username] password}, sent first on every new connection; null without credentials. */
    private final ValkeyFrame authCommand;
    private final Metrics.Counter failedRequests;
    private final ReadTimeout readTimeout;
    private final Runnable flushTask = this::flush;

    private ArrayDeque<Entry> fifo = new ArrayDeque<>();
    private final List<Message> unflushed = new ArrayList<>();
    private boolean flushQueued;
    private Link link;
    /** The listener of the current link; callbacks of an older, failed link are ignored. */
    private Listener current;
    private long writes;
    /**
     * Whether the failure of the connection would be the first since one worked: only that one is logged at WARN, so
     * that a backend that stays down (every request tries to connect again) does not flood the log.
     */
    private boolean warnOnFailure = true;
    /** The error text of the last failure. */
    private String lastFailure = "ERR Shotover " + ValkeySinkSharedCommands.SINK + ": not connected";
    private long requestsWritten;

    ValkeySinkSharedConnection(ScheduledExecutorService eventLoop, HostAndPort destination, LinkOpener opener,
                               ValkeyFrame authCommand, Long readTimeoutSeconds, Metrics.Counter failedRequests) {
        this.eventLoop = eventLoop;
        this.destination = destination;
        this.opener = opener;
        this.authCommand = authCommand;
        this.failedRequests = failedRequests;
        this.readTimeout = new ReadTimeout(eventLoop, readTimeoutSeconds, () -> destination,
                () -> !fifo.isEmpty(), this::fail);
    }

    /**
     * Queues {@code request}; its reply is put into {@code batch} at {@code index}. Does not take ownership of the
     * request. Opens the connection if there is none.
     *
     * @param context the client connection sending it (used only to open the connection)
     */
    void send(RuntimeContext context, Message request, ResponseBatch batch, int index) {
        if (link == null) {
            open(context);
            if (link == null) {
                // failed while opening: answered like the requests a failing connection had outstanding
                Message error = Message.fromFrame(ValkeyFrame.error(lastFailure));
                error.setRequestId(request.id());
                failedRequests.increment();
                batch.put(index, error);
                return;
            }
        }
        enqueue(new Entry(batch, index, request.id(), request.copyWithNewId()));
    }

    private void enqueue(Entry entry) {
        if (fifo.isEmpty()) {
            readTimeout.start();
        }
        fifo.add(entry);
        unflushed.add(entry.copy);
        if (!flushQueued) {
            flushQueued = true;
            eventLoop.execute(flushTask);
        }
    }

    private void open(RuntimeContext context) {
        Listener listener = new Listener();
        current = listener;
        Link opened = opener.open(context, listener);
        if (current != listener) {
            // failed while opening (e.g. an address that did not resolve): it was reported already
            opened.close();
            return;
        }
        link = opened;
        if (authCommand != null) {
            enqueue(new Entry(null, 0, null, Message.fromFrame(authCommand)));
        }
    }

    /** Writes what was queued since the last flush, with one flush. */
    private void flush() {
        flushQueued = false;
        if (unflushed.isEmpty()) {
            return;
        }
        if (link != null) {
            link.send(unflushed);
            writes++;
            requestsWritten += unflushed.size();
        }
        // the entries own the copies; SinkConnection keeps its own references while it connects
        unflushed.clear();
    }

    private final class Listener implements SinkConnection.Listener {
        @Override
        public void onMessage(Message reply) {
            if (this != current) {
                reply.release();
                return;
            }
            Entry entry = fifo.poll();
            if (entry == null) {
                reply.release();
                // a RESP2 connection carrying only refused-list-checked commands never sends anything unasked
                fail(new IOException("The destination " + destination + " sent a reply to no request"));
                return;
            }
            readTimeout.progress();
            warnOnFailure = true;
            entry.copy.release();
            if (entry.batch == null) {
                authenticated(reply);
                return;
            }
            reply.setRequestId(entry.requestId);
            if (RespMessageKind.of(reply) == RespMessageKind.ERROR) {
                failedRequests.increment();
            }
            entry.batch.put(entry.index, reply);
        }

        @Override
        public void onClosed(Throwable cause) {
            if (this == current) {
                fail(cause);
            }
        }
    }

    private void authenticated(Message reply) {
        try {
            if (RespMessageKind.of(reply) == RespMessageKind.ERROR) {
                ValkeyFrame frame = reply.frame(ValkeyFrame.class);
                String text = frame instanceof ValkeyFrame.Error error ? error.message() : frame.toString();
                fail(new IOException("Authentication to destination " + destination + " failed: " + text));
            }
        } finally {
            reply.release();
        }
    }

    /**
     * The connection is gone: every outstanding request gets an error reply (clients stay connected), and the next
     * request opens a new connection.
     */
    private void fail(Throwable cause) {
        current = null;
        readTimeout.cancel();
        if (link != null) {
            link.close();
            link = null;
        }
        unflushed.clear();
        ArrayDeque<Entry> failed = fifo;
        fifo = new ArrayDeque<>();
        String text = errorText(cause);
        lastFailure = text;
        if (warnOnFailure) {
            warnOnFailure = false;
            log.warn("{}: the shared connection to {} failed; its {} outstanding requests are answered with: {}"
                    + " (further failures before the next reply are logged at DEBUG)",
                    ValkeySinkSharedCommands.SINK, destination, failed.size(), text);
        } else {
            log.debug("{}: the shared connection to {} failed; its {} outstanding requests are answered with: {}",
                    ValkeySinkSharedCommands.SINK, destination, failed.size(), text);
        }
        for (Entry entry = failed.poll(); entry != null; entry = failed.poll()) {
            entry.copy.release();
            if (entry.batch != null) {
                Message error = Message.fromFrame(ValkeyFrame.error(text));
                error.setRequestId(entry.requestId);
                failedRequests.increment();
                entry.batch.put(entry.index, error);
            }
        }
    }

    /** {@code ERR Shotover ValkeySinkShared: <cause>: <its cause>...}, on one line. */
    static String errorText(Throwable cause) {
        StringBuilder text = new StringBuilder("ERR Shotover ").append(ValkeySinkSharedCommands.SINK);
        int depth = 0;
        for (Throwable t = cause; t != null && depth < 5; t = t.getCause(), depth++) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            message = message.replace('\r', ' ').replace('\n', ' ');
            if (text.indexOf(message) < 0) {
                // a wrapper often repeats its cause's message ("Failed to read from X: reset" caused by "reset")
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }

    /** Closes the connection (the proxy is shutting down); outstanding requests get an error reply. */
    void close() {
        if (link != null || !fifo.isEmpty()) {
            warnOnFailure = false;
            fail(new IOException("Shotover is shutting down"));
        }
    }

    /** {@return requests waiting for their reply} */
    int outstanding() {
        return fifo.size();
    }

    /** {@return how many writes (each with one flush) went to the backend} */
    long writes() {
        return writes;
    }

    /** {@return how many requests those writes carried} */
    long requestsWritten() {
        return requestsWritten;
    }
}
