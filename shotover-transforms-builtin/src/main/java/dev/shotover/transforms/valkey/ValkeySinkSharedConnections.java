package dev.shotover.transforms.valkey;

import java.util.function.IntFunction;

/**
 * The backend connections of {@code ValkeySinkShared} on one event loop ({@code connections_per_thread} of them).
 * Each new client connection is given one of them in turn and keeps it for its life, so its requests stay in order.
 *
 * <p>Created by the builder (any thread); {@link #next} and {@link #close} run on the event loop the connections
 * belong to.
 */
final class ValkeySinkSharedConnections {
    private final ValkeySinkSharedConnection[] connections;
    private int next;

    ValkeySinkSharedConnections(int count, IntFunction<ValkeySinkSharedConnection> factory) {
        connections = new ValkeySinkSharedConnection[count];
        for (int i = 0; i < count; i++) {
            connections[i] = factory.apply(i);
        }
    }

    /** {@return the connection for a new client connection: round robin} */
    ValkeySinkSharedConnection next() {
        ValkeySinkSharedConnection connection = connections[next];
        next = (next + 1) % connections.length;
        return connection;
    }

    void close() {
        for (ValkeySinkSharedConnection connection : connections) {
            connection.close();
        }
    }
}
