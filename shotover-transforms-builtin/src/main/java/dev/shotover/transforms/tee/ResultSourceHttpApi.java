package dev.shotover.transforms.tee;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tee's HTTP API on {@code 127.0.0.1:<switch_port>}:
 * <ul>
 *   <li>{@code GET /transform/tee/result-source}: 200 with the current result source as the body
 *       ({@code regular-chain} or {@code tee-chain});</li>
 *   <li>{@code PUT /transform/tee/result-source} with body {@code regular-chain} or {@code tee-chain}
 *       (surrounding whitespace ignored): 200 and the switch takes effect for the next batch of every connection;
 *       any other body is 400.</li>
 * </ul>
 * Other paths are 404, other methods 405.
 *
 * <p><b>Threading.</b> Requests are served on one daemon thread of its own, never on an event loop; the switch is an
 * {@link AtomicReference} that the connections read once per batch.
 */
final class ResultSourceHttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultSourceHttpApi.class);

    /** The one path the API serves. */
    static final String PATH = "/transform/tee/result-source";
    private static final int MAX_BODY_BYTES = 1024;

    private final HttpServer server;
    private final ExecutorService executor;

    private ResultSourceHttpApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts the API.
     *
     * @throws IOException when the port cannot be bound; the message names the address
     */
    static ResultSourceHttpApi start(String teeName, int port, AtomicReference<ResultSource> resultSource)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("could not listen on 127.0.0.1:" + port + " for the Tee result-source HTTP API", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "shotover-tee-http-" + teeName);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> handle(exchange, teeName, resultSource));
        server.start();
        log.info("Tee {} serves its result-source switch on http://127.0.0.1:{}{}", teeName,
                server.getAddress().getPort(), PATH);
        return new ResultSourceHttpApi(server, executor);
    }

    /** The bound port. */
    int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, String teeName, AtomicReference<ResultSource> resultSource)
            throws IOException {
        try {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "not found; the Tee HTTP API serves only " + PATH + "\n");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> respond(exchange, 200, resultSource.get().text());
                case "PUT" -> {
                    String body = readBody(exchange.getRequestBody());
                    ResultSource requested = body == null ? null : ResultSource.parse(body);
                    if (requested == null) {
                        respond(exchange, 400, "expected regular-chain or tee-chain as the body\n");
                        return;
                    }
                    ResultSource previous = resultSource.getAndSet(requested);
                    if (previous != requested) {
                        log.info("Tee {} result source switched from {} to {}", teeName, previous, requested);
                    }
                    respond(exchange, 200, "");
                }
                default -> {
                    exchange.getResponseHeaders().set("Allow", "GET, PUT");
                    respond(exchange, 405, "use GET or PUT\n");
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** The body as UTF-8, or null when it is longer than any valid value could be. */
    private static String readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops listening and ends the server thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
