package dev.shotover.transforms.valkey;

import dev.shotover.api.BuildContext;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.ProtocolCodecs;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.transforms.support.SingleSinkSettings;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Shared part of {@code ValkeySinkShared}: the parsed settings, and the backend connections of each event loop.
 *
 * <p>Thread-safe: every event loop builds its client connections' instances here. The map of event loops is touched
 * only when a client connection opens (and at shutdown), never per request; the connections themselves are confined
 * to their event loop, where they are also opened, so a request never crosses threads.
 */
final class ValkeySinkSharedBuilder implements TransformBuilder {
    static final long MAX_CONNECTIONS_PER_THREAD = 64;

    private final SingleSinkSettings settings;
    private final ValkeyFrame authCommand;
    private final long connectionsPerThread;
    private final List<String> problems = new ArrayList<>();
    private final Map<EventLoop, ValkeySinkSharedConnections> byEventLoop = new ConcurrentHashMap<>();

    ValkeySinkSharedBuilder(ValkeySinkSharedConfig config, BuildContext context) {
        this.settings = new SingleSinkSettings(config.remoteAddress(), config.tls(), config.connectTimeoutMs(),
                config.readTimeout(), context);
        problems.addAll(settings.problems());
        this.connectionsPerThread = config.connectionsPerThread();
        if (connectionsPerThread < 1 || connectionsPerThread > MAX_CONNECTIONS_PER_THREAD) {
            problems.add("connections_per_thread must be between 1 and " + MAX_CONNECTIONS_PER_THREAD + " but was "
                    + connectionsPerThread);
        }
        if (config.username() != null && config.password() == null) {
            problems.add("username needs a password");
        }
        if (config.password() == null) {
            authCommand = null;
        } else if (config.username() == null) {
            authCommand = ValkeyFrame.command("AUTH", config.password());
        } else {
            authCommand = ValkeyFrame.command("AUTH", config.username(), config.password());
        }
    }

    @Override
    public List<String> validate() {
        return List.copyOf(problems);
    }

    @Override
    public Transform build(TransformContext context) {
        RuntimeContext runtime = RuntimeContext.of(context);
        EventLoop eventLoop = runtime.nettyEventLoop();
        ValkeySinkSharedConnections connections = byEventLoop.computeIfAbsent(eventLoop,
                loop -> new ValkeySinkSharedConnections((int) connectionsPerThread,
                        i -> new ValkeySinkSharedConnection(loop, settings.destination(), this::openLink,
                                authCommand, settings.readTimeoutSeconds(), settings.failedRequests())));
        return new ValkeySinkShared(runtime, connections.next(), settings.failedRequests());
    }

    private ValkeySinkSharedConnection.Link openLink(RuntimeContext context, SinkConnection.Listener listener) {
        SinkConnection connection = SinkConnection.openShared(context, settings.destination(), settings.tls(),
                settings.connectTimeoutMs(), () -> ProtocolCodecs.sink(Protocol.VALKEY), listener);
        return new ValkeySinkSharedConnection.Link() {
            @Override
            public void send(List<dev.shotover.api.Message> requests) {
                connection.send(requests);
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /** Closes the backend connections, each on its own event loop. */
    @Override
    public void close() {
        byEventLoop.forEach((loop, connections) -> {
            try {
                loop.execute(connections::close);
            } catch (RejectedExecutionException e) {
                // the event loop has stopped, and its channels were closed with it
            }
        });
        byEventLoop.clear();
    }
}
