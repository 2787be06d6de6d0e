package dev.shotover.transforms.scatter;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.SubChainFactory;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A terminating transform that sends every request to every route (a named sub-chain) and answers each request as
 * soon as enough routes succeeded: {@code read_consistency} routes for reads, {@code write_consistency} for
 * everything else. The answer is the successful response with the newest last-modified time (from
 * {@code RedisTimestampTagger}), else the largest; a request that cannot get enough successes is answered with a
 * protocol-native error saying how many routes succeeded of how many were needed, and why the others did not. An
 * error reply does not count as a success; one that at least the needed number of routes returned identically
 * (e.g. {@code WRONGTYPE}) is passed on as the answer.
 *
 * <p>The batch's responses go up together, once every request of it is decided. Routes that are still running
 * then keep running (a write still reaches a slow backend); their responses are released when they arrive. A route
 * whose run fails is rebuilt for the next batch, so a backend that comes back is used again. Responses that answer
 * no request (pub/sub pushes) are released: ConsistentScatter is for request/response traffic.
 *
 * <p>Empty runs (flushes, forced runs) go to every route that has an instance; a flush waits for all of them, so
 * buffering transforms inside the routes deliver before the connection's transforms are closed.
 *
 * <p><b>Threading.</b> One instance per client connection, confined to its event loop; the route sub-chains run on
 * the same loop. <b>Buffers.</b> Each route gets {@link Message#copyWithNewId()} copies, which its run owns; the
 * originals stay with the chain run. Every route response that is not returned is released.
 */
public final class ConsistentScatter implements Transform {
    private final ScatterSettings settings;
    private final RouteSlot[] routes;

    /**
     * @param settings       names and consistency levels
     * @param routeFactories the routes' sub-chains, in the order of {@link ScatterSettings#routeNames()}
     * @param context        the client connection
     */
    ConsistentScatter(ScatterSettings settings, List<SubChainFactory> routeFactories,
                             TransformContext context) {
        if (routeFactories.size() != settings.routeCount()) {
            throw new IllegalArgumentException(routeFactories.size() + " sub-chains for "
                    + settings.routeCount() + " routes");
        }
        this.settings = settings;
        this.routes = new RouteSlot[routeFactories.size()];
        for (int r = 0; r < routes.length; r++) {
            routes[r] = new RouteSlot(settings.name(), settings.routeNames().get(r), routeFactories.get(r), context);
        }
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (requests.isEmpty()) {
            return emptyRun(state);
        }
        ScatterRun run = new ScatterRun(settings, requests);
        List<CompletableFuture<Void>> routeRuns = new ArrayList<>(routes.length);
        for (int r = 0; r < routes.length; r++) {
            int route = r;
            routeRuns.add(routes[r].run(state, run.copiesFor(route), responses -> run.routeAnswered(route, responses),
                    reason -> run.routeFailed(route, reason)));
        }
        if (!state.flush()) {
            return run.result();
        }
        return run.result().thenCombine(allOf(routeRuns), (responses, allOver) -> responses);
    }

    private CompletionStage<List<Message>> emptyRun(ChainState state) {
        List<CompletableFuture<Void>> routeRuns = new ArrayList<>(routes.length);
        for (RouteSlot route : routes) {
            // a route never used on this connection has nothing buffered and no pushes to deliver
            if (route.hasInstance()) {
                routeRuns.add(route.run(state, new ArrayList<>(), ConsistentScatter::releaseAll, reason -> {
                }));
            }
        }
        if (!state.flush()) {
            return CompletableFuture.completedFuture(new ArrayList<>());
        }
        return allOf(routeRuns).thenApply(allOver -> new ArrayList<>());
    }

    private static CompletableFuture<Void> allOf(List<CompletableFuture<Void>> runs) {
        return CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0]));
    }

    private static void releaseAll(List<Message> messages) {
        messages.forEach(Message::release);
    }

    /** Closes every route's sub-chain instances; their runs still in flight fail and are released. */
    @Override
    public void close() {
        for (RouteSlot route : routes) {
            route.close();
        }
    }
}
