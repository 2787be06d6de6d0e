package dev.shotover.transforms.valkey.cluster;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides when node connections flush. During a chain run ({@link #runBatch}) the connections that were sent to are
 * flushed once at its end, so the requests leave without waiting for another event-loop task; sends from callbacks
 * (a topology fetch completing, a redirect) are flushed by a task queued on the event loop, which still groups
 * everything sent in the current task.
 *
 * <p>Confined to the client connection's event loop.
 */
final class FlushBatcher {
    private final EventLoop eventLoop;
    private final List<NodeConnection> pending = new ArrayList<>();
    private boolean inBatch;

    FlushBatcher(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /**
     * Runs {@code batch}, then flushes every connection it sent to. Nested calls (a reply completing synchronously
     * inside a batch) join the outer batch.
     */
    void runBatch(Runnable batch) {
        if (inBatch) {
            batch.run();
            return;
        }
        inBatch = true;
        try {
            batch.run();
        } finally {
            inBatch = false;
            for (int i = 0; i < pending.size(); i++) {
                pending.get(i).flush();
            }
            pending.clear();
        }
    }

    /** Called once per connection with unflushed requests. */
    void flushLater(NodeConnection connection) {
        if (inBatch) {
            pending.add(connection);
        } else {
            eventLoop.execute(connection::flush);
        }
    }
}
