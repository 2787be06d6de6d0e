package dev.shotover.runtime.tls;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed client handshakes of one source without flooding the log: a misconfigured client that reconnects in
 * a loop would otherwise write a WARN line per attempt. Thread-safe (lock-free): connections of one source run on
 * several event loops.
 */
final class HandshakeFailureLog {
    static final long WARN_INTERVAL_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(TlsAcceptor.class);

    private final String sourceName;
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicInteger sinceLastWarn = new AtomicInteger();

    HandshakeFailureLog(String sourceName) {
        this.sourceName = sourceName;
    }

    void failed(SocketAddress client, Throwable cause) {
        String reason = reason(cause);
        if (isDisconnect(cause)) {
            // load balancer health checks and port scanners connect and leave: nothing went wrong
            log.debug("client {} on source {} disconnected during the TLS handshake", client, sourceName);
            return;
        }
        log.debug("TLS handshake with client {} on source {} failed: {}", client, sourceName, reason);
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next >= 0 && nextWarnNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(WARN_INTERVAL_SECONDS))) {
            int more = sinceLastWarn.getAndSet(0);
            log.warn("TLS handshake with client {} on source {} failed, closing the connection: {}{}", client,
                    sourceName, reason, more == 0 ? "" : " (" + more + " more failed handshakes since the last warning"
                            + "; further ones in the next " + WARN_INTERVAL_SECONDS + " s are logged at DEBUG)");
        } else {
            sinceLastWarn.incrementAndGet();
        }
    }

    /** The client went away (EOF or reset) before the handshake finished, rather than failing it. */
    static boolean isDisconnect(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("Connection closed while SSL/TLS handshake was in progress")
                    || message.contains("Connection reset by peer"))) {
                return true;
            }
        }
        return false;
    }

    /** The most specific TLS reason in {@code cause}'s chain, as one line. */
    static String reason(Throwable cause) {
        Throwable best = cause;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                best = t;
                break;
            }
        }
        String message = best.getMessage();
        return message == null ? best.getClass().getSimpleName() : message.replace('\n', ' ');
    }
}
