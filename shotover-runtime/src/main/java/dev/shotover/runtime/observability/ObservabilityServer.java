package dev.shotover.runtime.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shotover's observability interface ({@code observability_interface} in config.yaml), over HTTP/1.1:
 * <ul>
 *   <li>{@code GET /} &rarr; {@code try /filter or /metrics};</li>
 *   <li>{@code GET /metrics} &rarr; {@link ProxyMetrics#scrape()} as {@code text/plain; version=0.0.4};</li>
 *   <li>{@code PUT /filter} (or {@code POST}) with an env_filter string as the body &rarr; applies it with
 *       {@link LogLevelControl} and answers {@code Filter set}; an invalid filter gets 400 with the parse error,
 *       and 500 says so when log levels cannot be changed (Logback is not the SLF4J backend);</li>
 *   <li>other paths 404, other methods 405.</li>
 * </ul>
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} (no extra dependency). Requests are served one at a time on
 * the server's single dispatcher thread, which is a daemon thread so a forgotten server never keeps the JVM alive;
 * the handlers are short (a scrape, a filter swap). Start with {@link #start}; {@link #close} stops the listener and
 * the thread within about a second.
 */
public final class ObservabilityServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObservabilityServer.class);
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int MAX_FILTER_BYTES = 64 * 1024;

    /** Where filters go; the real one drives Logback, tests substitute their own. */
    interface FilterSink {
        boolean available();

        void apply(LogFilter filter);

        String unavailableMessage();
    }

    private static final FilterSink LOGBACK = new FilterSink() {
        @Override
        public boolean available() {
            return LogLevelControl.available();
        }

        @Override
        public void apply(LogFilter filter) {
            LogLevelControl.apply(filter);
        }

        @Override
        public String unavailableMessage() {
            return LogLevelControl.unavailableMessage();
        }
    };

    private final HttpServer server;
    private final ProxyMetrics metrics;
    private final FilterSink filters;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ObservabilityServer(HttpServer server, ProxyMetrics metrics, FilterSink filters) {
        this.server = server;
        this.metrics = metrics;
        this.filters = filters;
        this.address = server.getAddress();
    }

    /**
     * Binds {@code bind} (port 0 picks a free port, see {@link #address()}) and starts serving {@code metrics}.
     *
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static ObservabilityServer start(InetSocketAddress bind, ProxyMetrics metrics) throws IOException {
        return start(bind, metrics, LOGBACK);
    }

    static ObservabilityServer start(InetSocketAddress bind, ProxyMetrics metrics, FilterSink filters)
            throws IOException {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server;
        try {
            server = HttpServer.create(bind, 0);
        } catch (BindException e) {
            BindException named = new BindException("Failed to bind to " + bind + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
        ObservabilityServer observability = new ObservabilityServer(server, metrics, filters);
        server.createContext("/", observability::handle);
        // No executor: requests run on the dispatcher thread itself, so the server has exactly one thread.
        server.setExecutor(null);
        startAsDaemon(server);
        return observability;
    }

    /**
     * The JDK server's dispatcher thread inherits the daemon flag of the thread that starts it, so start it from a
     * daemon thread: an unclosed server must not keep the JVM from exiting.
     */
    private static void startAsDaemon(HttpServer server) throws IOException {
        Throwable[] failure = new Throwable[1];
        Thread starter = new Thread(() -> {
            try {
                server.start();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "shotover-observability-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
            throw new IOException("interrupted while starting the observability interface", e);
        }
        if (failure[0] != null) {
            server.stop(0);
            throw new IOException("failed to start the observability interface", failure[0]);
        }
    }

    /** The bound address, with the actual port when bound to port 0. */
    public InetSocketAddress address() {
        return address;
    }

    /** Stops listening, drops open connections and ends the server thread. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/":
                    if (isGet(method)) {
                        respond(exchange, 200, TEXT, "try /filter or /metrics");
                    } else {
                        methodNotAllowed(exchange, "GET, HEAD");
                    }
                    break;
                case "/metrics":
                    if (isGet(method)) {
                        respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
                    } else {
                        methodNotAllowed(exchange, "GET, HEAD");
                    }
                    break;
                case "/filter":
                    if (method.equals("PUT") || method.equals("POST")) {
                        setFilter(exchange);
                    } else {
                        methodNotAllowed(exchange, "PUT, POST");
                    }
                    break;
                default:
                    respond(exchange, 404, TEXT, "not found, try /filter or /metrics");
                    break;
            }
        } catch (IOException e) {
            // The client went away mid-exchange; nothing to answer.
            log.debug("observability request failed", e);
        } catch (RuntimeException e) {
            log.warn("observability request failed", e);
            try {
                respond(exchange, 500, TEXT, "internal error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // Headers may already be sent; closing the exchange below ends the response either way.
            }
        } finally {
            exchange.close();
        }
    }

    private void setFilter(HttpExchange exchange) throws IOException {
        String body;
        try {
            body = readBody(exchange.getRequestBody());
        } catch (FilterTooLargeException e) {
            respond(exchange, 413, TEXT, "filter too large: at most " + MAX_FILTER_BYTES + " bytes");
            return;
        }
        LogFilter filter;
        try {
            filter = LogFilter.parse(body);
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, TEXT, e.getMessage());
            return;
        }
        if (!filters.available()) {
            respond(exchange, 500, TEXT, filters.unavailableMessage());
            return;
        }
        filters.apply(filter);
        log.info("filter set to: {}", body.trim());
        respond(exchange, 200, TEXT, "Filter set");
    }

    private static String readBody(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int read;
        while ((read = in.read(chunk)) >= 0) {
            buffer.write(chunk, 0, read);
            if (buffer.size() > MAX_FILTER_BYTES) {
                throw new FilterTooLargeException();
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Thrown by {@link #readBody} to turn an oversized body into a 413. */
    private static final class FilterTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        respond(exchange, 405, TEXT, "method " + exchange.getRequestMethod() + " not allowed, use " + allowed);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
