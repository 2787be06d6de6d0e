package dev.shotover.runtime.sink;

import dev.shotover.runtime.net.HostAndPort;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A sink's {@code read_timeout}: fails the connection when requests are outstanding and the backend has sent
 * nothing for that long. It only ticks while requests wait, and with no timeout configured it does nothing at all
 * (no clock reads on the request path).
 *
 * <p>Confined to the connection's event loop.
 */
public final class ReadTimeout {
    private final ScheduledExecutorService eventLoop;
    private final Long seconds;
    private final Supplier<HostAndPort> destination;
    private final BooleanSupplier waiting;
    private final Consumer<IOException> onTimeout;
    private long lastProgressNanos;
    private ScheduledFuture<?> check;

    /**
     * @param seconds the configured timeout, or null for none
     * @param destination the backend, named in the error (a supplier: some sinks learn it on first use)
     * @param waiting whether requests are still outstanding (and the connection has not failed)
     * @param onTimeout called once with the timeout error
     */
    public ReadTimeout(ScheduledExecutorService eventLoop, Long seconds, Supplier<HostAndPort> destination,
                       BooleanSupplier waiting, Consumer<IOException> onTimeout) {
        this.eventLoop = eventLoop;
        this.seconds = seconds;
        this.destination = destination;
        this.waiting = waiting;
        this.onTimeout = onTimeout;
    }

    /** Requests were sent while none were outstanding: the clock starts. */
    public void start() {
        if (seconds == null) {
            return;
        }
        lastProgressNanos = System.nanoTime();
        if (check == null) {
            check = eventLoop.schedule(this::check, seconds, TimeUnit.SECONDS);
        }
    }

    /** A response arrived. */
    public void progress() {
        if (seconds != null) {
            lastProgressNanos = System.nanoTime();
        }
    }

    public void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check() {
        check = null;
        if (!waiting.getAsBoolean()) {
            return;
        }
        long waited = System.nanoTime() - lastProgressNanos;
        long limit = TimeUnit.SECONDS.toNanos(seconds);
        if (waited >= limit) {
            onTimeout.accept(new IOException("Timed out after " + seconds
                    + "s waiting for a response from destination " + destination.get()));
        } else {
            check = eventLoop.schedule(this::check, limit - waited, TimeUnit.NANOSECONDS);
        }
    }
}
