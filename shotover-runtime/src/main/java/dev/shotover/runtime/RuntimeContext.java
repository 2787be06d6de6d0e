package dev.shotover.runtime;

import dev.shotover.api.TransformContext;
import dev.shotover.runtime.net.Transport;
import dev.shotover.runtime.observability.ProxyMetrics;
import io.netty.channel.EventLoop;

/**
 * The runtime's side of {@link TransformContext}: what built-in sinks need to open backend connections on the
 * client's event loop. Custom transforms should stay with {@link TransformContext}.
 */
public interface RuntimeContext extends TransformContext {

    /** The client connection's Netty event loop. */
    EventLoop nettyEventLoop();

    /** The transport of that event loop; backend channels must use the same. */
    Transport transport();

    ProxyMetrics metrics();

    /** Narrows a context handed to a transform; every context the runtime makes is a RuntimeContext. */
    static RuntimeContext of(TransformContext context) {
        if (context instanceof RuntimeContext runtime) {
            return runtime;
        }
        throw new IllegalArgumentException("this transform needs the Shotover runtime's context, got "
                + context.getClass().getName());
    }
}
