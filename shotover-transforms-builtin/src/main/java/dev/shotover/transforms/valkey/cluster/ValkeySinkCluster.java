package dev.shotover.transforms.valkey.cluster;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Metrics;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespMessageKind;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.tls.TlsConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-client-connection instance of {@code ValkeySinkCluster}. In cluster-hiding mode (no direct destination)
 * the client sees one plain Redis and the transform routes each command to the primary owning its key's hash slot.
 * In cluster-handling mode (a direct destination) key-routed commands go to the cluster exactly as in hiding mode,
 * and every other command goes unchanged to the direct destination.
 *
 * <p><b>Topology.</b> Fetched lazily with {@code CLUSTER SLOTS} on the first request of this client connection
 * (tried on the known nodes, then the contact points, first success wins), and fetched again after a {@code MOVED}
 * redirect, after a node connection failed, and when a slot has no known owner. Requests wait for a fetch in
 * progress. Keeping it per client connection costs one round trip per connection but needs no state shared between
 * event loops.
 *
 * <p><b>Routing.</b> Single-key commands go to the slot owner; {@code MOVED} is followed (and the map updated),
 * {@code ASK} is followed with {@code ASKING} on the same connection. MGET/MSET/DEL/EXISTS/UNLINK/TOUCH are split per
 * slot and reassembled in key order; DBSIZE sums and KEYS joins over all primaries; FLUSHALL/FLUSHDB/SCRIPT go to
 * all primaries; SCAN walks the primaries one after the other behind a composite cursor; keyless commands (PING,
 * ECHO, TIME, INFO, ...) go to a random primary. Commands that cannot be hidden get Shotover's "unknown command"
 * error; so do connection-state commands (HELLO, SELECT, WATCH, SUBSCRIBE, ...) in both modes, except that
 * {@code HELLO 3} gets {@code -NOPROTO} so that clients fall back to RESP2. AUTH is validated
 * against the cluster and replayed on every node connection (see {@link #auth}). MULTI/EXEC
 * works when every key of the transaction hashes to one slot (see {@link Transaction}).
 *
 * <p><b>Pipelining.</b> Each request of a batch is dispatched on its own, requests for one node leave in one
 * flush, and the stage completes with the responses in request order once all are in. Requests of one key reach
 * their node in the client's order, also across batches and redirects: when a new slot map arrives while requests
 * routed by the old one are still out, later requests wait for those (see {@link #draining}).
 *
 * <p><b>Failures</b> never close the client connection: a request whose node cannot be reached is answered with
 * an {@code -ERR} naming the node, and the topology is fetched again for the next request.
 *
 * <p>Confined to the client connection's event loop. Requests stay owned by the chain run; backend replies are
 * either returned up-chain (single-node commands: the original bytes, not re-encoded) or released after folding.
 */
final class ValkeySinkCluster implements Transform {
    static final String UNSUPPORTED =
            "ERR unknown command - Shotover ValkeySinkCluster does not not support this command";
    static final String NO_OWNER =
            "ERR Shotover ValkeySinkCluster does not know of a node containing the required slot";
    /** Redis' answer to HELLO with a protocol version it does not speak. */
    static final String NOPROTO = "NOPROTO unsupported protocol version";
    private static final int MAX_REDIRECTS = 5;

    /** Commands that cannot be hidden behind one node (yet). */
    private static final Set<String> UNSUPPORTED_COMMANDS = Set.of("HELLO", "WATCH", "UNWATCH",
            "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "PUBLISH",
            "SPUBLISH", "SHUTDOWN", "SLAVEOF", "REPLICAOF", "MOVE", "BITOP", "CONFIG", "SLOWLOG",
            "MONITOR", "RESET", "CLUSTER", "READONLY", "READWRITE", "ASKING", "WAIT", "SWAPDB", "MIGRATE", "SYNC",
            "PSYNC", "ACL", "DEBUG", "FAILOVER");
    /**
     * Commands rejected even with a direct destination: they change the connection's protocol or session state,
     * which would then differ between the direct connection and the cluster connections.
     */
    private static final Set<String> NEVER_FORWARDED = Set.of("HELLO", "AUTH", "SELECT", "QUIT", "RESET", "WATCH",
            "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
            "MONITOR", "READONLY", "READWRITE", "ASKING", "SYNC", "PSYNC");
    /** Bits of a composite SCAN cursor that hold the node index (up to 1024 primaries). */
    static final int SCAN_NODE_BITS = 10;
    /** Commands without a key: any primary answers them. */
    private static final Set<String> ANY_NODE_COMMANDS = Set.of("PING", "ECHO", "TIME", "INFO", "LASTSAVE",
            "RANDOMKEY", "COMMAND", "LOLWUT", "MEMORY", "LATENCY", "ROLE");

    private final RuntimeContext context;
    private final List<HostAndPort> contactPoints;
    private final HostAndPort direct;
    private final int connectTimeoutMs;
    /** Null for plain TCP; used for every node connection, including the topology probes. */
    private final TlsConnector tls;
    private final int connectionCount;
    private final Metrics.Counter failedRequests;

    private final Map<HostAndPort, NodeConnection[]> connections = new HashMap<>();
    private final FlushBatcher batcher;
    private CompletableFuture<SlotMap> topology;
    private SlotMap lastMap;
    private boolean topologyStale;
    /** The client's last successful AUTH, replayed first on every node connection; null before any. */
    private ValkeyFrame.Array authCommand;
    private List<TopologyWaiter> topologyWaiters = new ArrayList<>();
    /** Slot-routed requests sent and not answered yet, their redirects included (see {@link #draining}). */
    private int routedInFlight;
    /**
     * Set when the slot map was replaced while requests routed by the old one were still out: new requests wait until
     * those are answered. One of them may yet be redirected (MOVED, ASK) to the very node a new request would now go
     * to directly, and must reach it first, or a GET pipelined after a SET of the same key could miss it, or two SETs
     * could land in the wrong order.
     */
    private boolean draining;
    private String clientName;
    /** The commands queued since MULTI, or null outside a transaction. */
    private Transaction transaction;
    private boolean closed;

    ValkeySinkCluster(RuntimeContext context, List<HostAndPort> contactPoints, HostAndPort direct, TlsConnector tls,
                      int connectTimeoutMs, int connectionCount, Metrics.Counter failedRequests) {
        this.context = context;
        this.tls = tls;
        this.contactPoints = contactPoints;
        this.direct = direct;
        this.connectTimeoutMs = connectTimeoutMs;
        this.connectionCount = connectionCount;
        this.failedRequests = failedRequests;
        this.batcher = new FlushBatcher(context.nettyEventLoop());
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        List<Message> requests = state.requests();
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Message[] responses = new Message[requests.size()];
        CompletableFuture<List<Message>> done = new CompletableFuture<>();
        int[] missing = {requests.size()};
        batcher.runBatch(() -> dispatchAll(requests, responses, done, missing));
        return done;
    }

    private void dispatchAll(List<Message> requests, Message[] responses, CompletableFuture<List<Message>> done,
                             int[] missing) {
        for (int i = 0; i < requests.size(); i++) {
            Message request = requests.get(i);
            int index = i;
            CompletableFuture<Message> response;
            try {
                response = dispatch(request);
            } catch (RuntimeException e) {
                response = CompletableFuture.failedFuture(e);
            }
            response.whenComplete((reply, failure) -> {
                Message answer = reply != null ? reply : errorFor(request, failure);
                answer.setRequestId(request.id());
                if (RespMessageKind.of(answer) == RespMessageKind.ERROR) {
                    failedRequests.increment();
                }
                responses[index] = answer;
                if (--missing[0] == 0) {
                    done.complete(Arrays.asList(responses));
                }
            });
        }
    }

    private static Message errorFor(Message request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String text = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (cause instanceof RedirectError redirect) {
            return Message.responseTo(request, ValkeyFrame.error(redirect.getMessage()));
        }
        return Message.responseTo(request, ValkeyFrame.error("ERR Shotover ValkeySinkCluster: "
                + text.replace('\r', ' ').replace('\n', ' ')));
    }

    /** An error text to hand to the client verbatim. */
    private static final class RedirectError extends RuntimeException {
        RedirectError(String text) {
            super(text, null, false, false);
        }
    }

    // ---- routing ----

    private CompletableFuture<Message> dispatch(Message request) {
        ValkeyFrame frame = request.frame(ValkeyFrame.class);
        if (!(frame instanceof ValkeyFrame.Array array) || array.elements().isEmpty()) {
            return anyNode(request);
        }
        List<byte[]> args = new ArrayList<>(array.elements().size());
        for (ValkeyFrame element : array.elements()) {
            if (element instanceof ValkeyFrame.BulkString bulk) {
                args.add(bulk.value());
            } else if (element instanceof ValkeyFrame.SimpleString simple) {
                args.add(simple.value().getBytes(StandardCharsets.UTF_8));
            } else {
                return reply(request, ValkeyFrame.error("ERR Protocol error: expected a command of bulk strings"));
            }
        }
        String command = new String(args.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        switch (command) {
            case "MULTI":
                return multi(request);
            case "EXEC":
                return exec(request);
            case "DISCARD":
                return discard(request);
            default:
                break;
        }
        if (transaction != null) {
            return queueInTransaction(request, command, args);
        }
        if (command.equals("AUTH")) {
            return auth(request, (ValkeyFrame.Array) frame);
        }
        if (command.equals("QUIT")) {
            // the client closes after the reply; the node connections close with the client connection
            return reply(request, ValkeyFrame.ok());
        }
        if (command.equals("SELECT")) {
            // a cluster has database 0 only: selecting it changes nothing, as on a cluster node
            return reply(request, args.size() == 2 && "0".equals(string(args.get(1))) ? ValkeyFrame.ok()
                    : ValkeyFrame.error("ERR SELECT is not allowed in cluster mode"));
        }
        if (command.equals("HELLO") && args.size() > 1) {
            return reply(request, hello(string(args.get(1))));
        }
        if (NEVER_FORWARDED.contains(command)) {
            return reply(request, ValkeyFrame.error(UNSUPPORTED));
        }
        if (UNSUPPORTED_COMMANDS.contains(command)) {
            return notKeyed(request, () -> reply(request, ValkeyFrame.error(UNSUPPORTED)));
        }
        switch (command) {
            case "CLIENT":
                return notKeyed(request, () -> client(request, args));
            case "MGET":
                return splitByKey(request, args, 1, 1, this::foldMget);
            case "MSET":
                return splitByKey(request, args, 1, 2, ValkeySinkCluster::foldOk);
            case "DEL": case "EXISTS": case "UNLINK": case "TOUCH":
                return splitByKey(request, args, 1, 1, ValkeySinkCluster::foldSum);
            case "DBSIZE":
                return notKeyed(request, () -> allPrimaries(request, ValkeySinkCluster::foldSum));
            case "KEYS":
                return notKeyed(request, () -> allPrimaries(request, ValkeySinkCluster::foldJoin));
            case "FLUSHALL": case "FLUSHDB":
                return notKeyed(request, () -> allPrimaries(request, ValkeySinkCluster::foldOk));
            case "SCAN":
                return notKeyed(request, () -> scan(request, args));
            case "SCRIPT":
                if (args.size() > 1 && "KILL".equalsIgnoreCase(string(args.get(1)))) {
                    return notKeyed(request, () -> reply(request, ValkeyFrame.error(UNSUPPORTED)));
                }
                return notKeyed(request, () -> allPrimaries(request, ValkeySinkCluster::foldFirst));
            case "EVAL": case "EVALSHA": case "EVAL_RO": case "EVALSHA_RO": case "FCALL": case "FCALL_RO":
                if (args.size() < 4 || "0".equals(string(args.get(2)))) {
                    return notKeyed(request, () -> anyNode(request));
                }
                return bySlot(request, HashSlot.of(args.get(3)), 0);
            case "XREAD": case "XREADGROUP":
                for (int i = 1; i < args.size() - 1; i++) {
                    if ("STREAMS".equalsIgnoreCase(string(args.get(i)))) {
                        return bySlot(request, HashSlot.of(args.get(i + 1)), 0);
                    }
                }
                return notKeyed(request, () -> anyNode(request));
            case "XGROUP": case "XINFO": case "OBJECT":
                return args.size() > 2 ? bySlot(request, HashSlot.of(args.get(2)), 0)
                        : notKeyed(request, () -> anyNode(request));
            default:
                if (ANY_NODE_COMMANDS.contains(command) || args.size() < 2) {
                    return notKeyed(request, () -> anyNode(request));
                }
                return bySlot(request, HashSlot.of(args.get(1)), 0);
        }
    }

    /**
     * A command that is not routed by key: with a direct destination (cluster handling) it goes there unchanged,
     * otherwise {@code hiding} emulates it over the cluster.
     */
    private CompletableFuture<Message> notKeyed(Message request, Supplier<CompletableFuture<Message>> hiding) {
        if (direct != null) {
            return connection(direct).send(request);
        }
        return hiding.get();
    }

    /**
     * SCAN over every primary in turn. The client's cursor packs the node's own cursor (shifted left by
     * {@link #SCAN_NODE_BITS}) and the index of the node in the address-sorted primary list, so it stays a plain
     * unsigned number clients can parse. A topology change during a scan may skip or repeat keys of moved slots.
     */
    private CompletableFuture<Message> scan(Message request, List<byte[]> args) {
        if (args.size() < 2) {
            return reply(request, ValkeyFrame.error("ERR wrong number of arguments for 'scan' command"));
        }
        long composite;
        try {
            composite = Long.parseUnsignedLong(string(args.get(1)));
        } catch (NumberFormatException e) {
            return reply(request, ValkeyFrame.error("ERR invalid cursor"));
        }
        int nodeIndex = (int) (composite & ((1L << SCAN_NODE_BITS) - 1));
        long nodeCursor = composite >>> SCAN_NODE_BITS;
        return withTopology(map -> {
            List<HostAndPort> primaries = new ArrayList<>(map.primaries());
            primaries.sort(Comparator.comparing(HostAndPort::host).thenComparingInt(HostAndPort::port));
            if (nodeIndex >= primaries.size()) {
                return reply(request, ValkeyFrame.error("ERR invalid cursor"));
            }
            List<ValkeyFrame> elements = new ArrayList<>(args.size());
            for (int i = 0; i < args.size(); i++) {
                elements.add(new ValkeyFrame.BulkString(i == 1
                        ? Long.toUnsignedString(nodeCursor).getBytes(StandardCharsets.US_ASCII) : args.get(i)));
            }
            Message part = Message.fromFrame(new ValkeyFrame.Array(elements));
            return connection(primaries.get(nodeIndex)).send(part).thenApply(reply -> {
                ValkeyFrame frame = frameAndRelease(reply);
                if (!(frame instanceof ValkeyFrame.Array page) || page.elements().size() != 2
                        || !(page.elements().get(0) instanceof ValkeyFrame.BulkString cursorText)) {
                    return Message.responseTo(request, frame);
                }
                long next = Long.parseUnsignedLong(cursorText.asString());
                long nextComposite;
                if (next != 0) {
                    if (next >>> (64 - SCAN_NODE_BITS) != 0) {
                        return Message.responseTo(request, ValkeyFrame.error(
                                "ERR Shotover ValkeySinkCluster: node cursor too large to combine: " + next));
                    }
                    nextComposite = (next << SCAN_NODE_BITS) | nodeIndex;
                } else if (nodeIndex + 1 < primaries.size()) {
                    nextComposite = nodeIndex + 1;
                } else {
                    nextComposite = 0;
                }
                return Message.responseTo(request, new ValkeyFrame.Array(List.of(
                        ValkeyFrame.bulk(Long.toUnsignedString(nextComposite)), page.elements().get(1))));
            });
        });
    }

    // ---- transactions ----

    /**
     * A MULTI block being collected. It is answered locally ({@code +OK}, {@code +QUEUED}) and sent as a whole
     * (MULTI, the commands, EXEC) to the owner of its one slot on EXEC, because only then is its node known.
     * Keys of more than one slot fail the block with {@code CROSSSLOT}, as a cluster node would.
     */
    private static final class Transaction {
        final List<ValkeyFrame> commands = new ArrayList<>();
        int slot = -1;
        boolean aborted;
    }

    private CompletableFuture<Message> multi(Message request) {
        if (transaction != null) {
            return reply(request, ValkeyFrame.error("ERR MULTI calls can not be nested"));
        }
        transaction = new Transaction();
        return reply(request, ValkeyFrame.ok());
    }

    private CompletableFuture<Message> discard(Message request) {
        if (transaction == null) {
            return reply(request, ValkeyFrame.error("ERR DISCARD without MULTI"));
        }
        transaction = null;
        return reply(request, ValkeyFrame.ok());
    }

    private CompletableFuture<Message> queueInTransaction(Message request, String command, List<byte[]> args) {
        Transaction tx = transaction;
        if (NEVER_FORWARDED.contains(command) || UNSUPPORTED_COMMANDS.contains(command)
                || Set.of("DBSIZE", "KEYS", "FLUSHALL", "FLUSHDB", "SCAN", "SCRIPT", "CLIENT").contains(command)) {
            tx.aborted = true;
            return reply(request, ValkeyFrame.error("ERR Shotover ValkeySinkCluster does not support " + command
                    + " inside MULTI"));
        }
        for (byte[] key : keysOf(command, args)) {
            int slot = HashSlot.of(key);
            if (tx.slot == -1) {
                tx.slot = slot;
            } else if (tx.slot != slot) {
                tx.aborted = true;
                return reply(request, ValkeyFrame.error("CROSSSLOT Keys in request don't hash to the same slot"
                        + " (Shotover ValkeySinkCluster runs a transaction on one node)"));
            }
        }
        tx.commands.add(request.frame(ValkeyFrame.class));
        return reply(request, new ValkeyFrame.SimpleString("QUEUED"));
    }

    /** The keys of a command as far as routing is concerned. */
    private static List<byte[]> keysOf(String command, List<byte[]> args) {
        List<byte[]> keys = new ArrayList<>();
        switch (command) {
            case "MSET": case "MSETNX":
                for (int i = 1; i < args.size(); i += 2) {
                    keys.add(args.get(i));
                }
                return keys;
            case "MGET": case "DEL": case "EXISTS": case "UNLINK": case "TOUCH":
                return args.subList(1, args.size());
            case "EVAL": case "EVALSHA": case "EVAL_RO": case "EVALSHA_RO": case "FCALL": case "FCALL_RO":
                try {
                    int count = args.size() > 2 ? Integer.parseInt(string(args.get(2))) : 0;
                    return args.subList(3, Math.min(args.size(), 3 + Math.max(0, count)));
                } catch (NumberFormatException e) {
                    return keys;
                }
            default:
                if (ANY_NODE_COMMANDS.contains(command) || args.size() < 2) {
                    return keys;
                }
                keys.add(args.get(1));
                return keys;
        }
    }

    private CompletableFuture<Message> exec(Message request) {
        Transaction tx = transaction;
        if (tx == null) {
            return reply(request, ValkeyFrame.error("ERR EXEC without MULTI"));
        }
        transaction = null;
        if (tx.aborted) {
            return reply(request, ValkeyFrame.error("EXECABORT Transaction discarded because of previous errors."));
        }
        return withTopology(map -> {
            HostAndPort node;
            if (tx.slot >= 0) {
                node = map.owner(tx.slot);
                if (node == null) {
                    return CompletableFuture.failedFuture(new RedirectError(NO_OWNER));
                }
            } else if (direct != null) {
                node = direct;
            } else {
                List<HostAndPort> primaries = map.primaries();
                node = primaries.get(ThreadLocalRandom.current().nextInt(primaries.size()));
            }
            // a transaction follows MOVED like a single command: it counts as routed (see draining)
            routedInFlight++;
            return runTransaction(request, tx, node, 0).whenComplete((reply, failure) -> routedAnswered());
        });
    }

    /** Sends MULTI, the commands and EXEC back to back on one connection; EXEC's reply answers the client. */
    private CompletableFuture<Message> runTransaction(Message request, Transaction tx, HostAndPort node, int attempt) {
        NodeConnection connection = connection(node, Math.max(0, tx.slot));
        List<CompletableFuture<Message>> replies = new ArrayList<>(tx.commands.size() + 2);
        replies.add(connection.send(Message.fromFrame(ValkeyFrame.command("MULTI"))));
        for (ValkeyFrame command : tx.commands) {
            replies.add(connection.send(Message.fromFrame(command)));
        }
        CompletableFuture<Message> exec = connection.send(request);
        replies.add(exec);
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            HostAndPort movedTo = null;
            for (int i = 0; i < replies.size() - 1; i++) {
                Message reply = replies.get(i).getNow(null);
                if (reply == null) {
                    continue;
                }
                if (movedTo == null && RespMessageKind.of(reply) == RespMessageKind.ERROR
                        && reply.frame(ValkeyFrame.class) instanceof ValkeyFrame.Error error
                        && error.message().startsWith("MOVED ")) {
                    try {
                        movedTo = HostAndPort.parse(error.message().split(" ")[2]);
                    } catch (RuntimeException e) {
                        // not a redirect we understand: the client gets EXECABORT
                    }
                }
                reply.release();
            }
            if (failure != null) {
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            Message execReply = exec.join();
            if (movedTo != null && attempt < MAX_REDIRECTS) {
                execReply.release();
                if (lastMap != null) {
                    lastMap.moved(tx.slot, movedTo);
                }
                topologyStale = true;
                return runTransaction(request, tx, movedTo, attempt + 1);
            }
            return CompletableFuture.completedFuture(execReply);
        }).thenCompose(next -> next);
    }

    private CompletableFuture<Message> client(Message request, List<byte[]> args) {
        String sub = args.size() > 1 ? string(args.get(1)).toUpperCase(Locale.ROOT) : "";
        switch (sub) {
            case "SETNAME":
                if (args.size() != 3) {
                    return reply(request,
                            ValkeyFrame.error("ERR wrong number of arguments for 'client|setname' command"));
                }
                clientName = string(args.get(2));
                return reply(request, ValkeyFrame.ok());
            case "GETNAME":
                return reply(request, clientName == null || clientName.isEmpty()
                        ? new ValkeyFrame.NullBulkString() : ValkeyFrame.bulk(clientName));
            case "SETINFO":
                // library name/version: meaningful per backend connection only, accepted so clients stay quiet
                return reply(request, ValkeyFrame.ok());
            default:
                return reply(request, ValkeyFrame.error(UNSUPPORTED));
        }
    }

    /**
     * {@code HELLO <protover> ...}: only RESP2 is spoken to the cluster, so asking for another version gets Redis'
     * own answer to a version it does not know, on which Lettuce carries on in RESP2 (Jedis sends HELLO only when
     * configured for RESP3, and then reports this error). {@code HELLO 2}
     * (which would also authenticate and name the connection) keeps the unsupported-command error.
     */
    private static ValkeyFrame hello(String protocolVersion) {
        long version;
        try {
            version = Long.parseLong(protocolVersion);
        } catch (NumberFormatException e) {
            return ValkeyFrame.error("ERR Protocol version is not an integer or out of range");
        }
        return version == 2 ? ValkeyFrame.error(UNSUPPORTED) : ValkeyFrame.error(NOPROTO);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static CompletableFuture<Message> reply(Message request, ValkeyFrame frame) {
        return CompletableFuture.completedFuture(Message.responseTo(request, frame));
    }

    private CompletableFuture<Message> anyNode(Message request) {
        return withTopology(map -> {
            List<HostAndPort> primaries = map.primaries();
            if (primaries.isEmpty()) {
                return CompletableFuture.failedFuture(new IOException("the cluster has no primary owning a slot"));
            }
            return connection(primaries.get(ThreadLocalRandom.current().nextInt(primaries.size()))).send(request);
        });
    }

    /** Sends {@code request} to the owner of {@code slot}, following MOVED and ASK redirects. */
    private CompletableFuture<Message> bySlot(Message request, int slot, int redirects) {
        SlotMap ready = readyMap();
        if (ready != null) {
            return bySlot(ready, request, slot, redirects);
        }
        return withTopology(map -> bySlot(map, request, slot, redirects));
    }

    private CompletableFuture<Message> bySlot(SlotMap map, Message request, int slot, int redirects) {
        HostAndPort owner = map.owner(slot);
        if (owner == null) {
            if (redirects > 0) {
                return CompletableFuture.failedFuture(new RedirectError(NO_OWNER));
            }
            // the map may predate the slot's assignment: fetch it again once before giving up
            topologyStale = true;
            return bySlot(request, slot, redirects + 1);
        }
        routedInFlight++;
        return connection(owner, slot).send(request)
                .thenCompose(reply -> followRedirect(request, slot, reply, redirects))
                .whenComplete((reply, failure) -> routedAnswered());
    }

    /** Counts one slot-routed request as answered; the last one out ends {@link #draining}. */
    private void routedAnswered() {
        if (--routedInFlight > 0 || !draining) {
            return;
        }
        draining = false;
        if (topologyWaiters.isEmpty()) {
            return;
        }
        if (closed) {
            runTopologyWaiters(null, new IOException("the client connection closed"));
            return;
        }
        SlotMap current = currentMap();
        if (current != null) {
            runTopologyWaiters(current, null);
        } else {
            // stale again meanwhile, or a fetch in progress: its completion runs the waiters
            topology();
        }
    }

    /** Starts {@link #draining} if requests routed by the slot map being replaced are still out. */
    private void mapReplaced() {
        if (routedInFlight > 0) {
            draining = true;
        }
    }

    /**
     * The current slot map when a request can be routed with it right away (the common case), else null: not while
     * other requests wait for a map, so that new ones queue behind them.
     */
    private SlotMap readyMap() {
        return draining || !topologyWaiters.isEmpty() ? null : currentMap();
    }

    /** The slot map fetched last, unless it failed, is being fetched, or is known to be stale. */
    private SlotMap currentMap() {
        if (topologyStale || topology == null || !topology.isDone() || topology.isCompletedExceptionally()) {
            return null;
        }
        return topology.getNow(null);
    }

    private CompletableFuture<Message> followRedirect(Message request, int slot, Message reply, int redirects) {
        if (RespMessageKind.of(reply) != RespMessageKind.ERROR) {
            return CompletableFuture.completedFuture(reply);
        }
        ValkeyFrame frame = reply.frame(ValkeyFrame.class);
        if (!(frame instanceof ValkeyFrame.Error error) || redirects >= MAX_REDIRECTS) {
            return CompletableFuture.completedFuture(reply);
        }
        String text = error.message();
        boolean moved = text.startsWith("MOVED ");
        boolean ask = text.startsWith("ASK ");
        if (!moved && !ask) {
            return CompletableFuture.completedFuture(reply);
        }
        String[] parts = text.split(" ");
        HostAndPort target;
        try {
            target = HostAndPort.parse(parts[2]);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(reply);
        }
        reply.release();
        if (moved) {
            if (lastMap != null) {
                lastMap.moved(slot, target);
            }
            topologyStale = true;
            return connection(target, slot).send(request)
                    .thenCompose(next -> followRedirect(request, slot, next, redirects + 1));
        }
        NodeConnection connection = connection(target, slot);
        CompletableFuture<Message> asking = connection.send(Message.fromFrame(ValkeyFrame.command("ASKING")));
        CompletableFuture<Message> answer = connection.send(request);
        asking.whenComplete((ok, failure) -> {
            if (ok != null) {
                ok.release();
            }
        });
        return answer.thenCompose(next -> followRedirect(request, slot, next, redirects + 1));
    }

    // ---- fan-out ----

    /** Folds the replies of the parts of a split command, in part order. */
    private interface Fold {
        ValkeyFrame fold(List<ValkeyFrame> parts, List<int[]> positions, int keyCount);
    }

    /**
     * Splits a multi-key command into one command per slot, each keeping the arguments of its keys in order.
     *
     * @param firstKey index of the first key argument
     * @param stride   arguments per key (2 for MSET's key/value pairs)
     */
    private CompletableFuture<Message> splitByKey(Message request, List<byte[]> args, int firstKey, int stride,
                                                  Fold fold) {
        if (args.size() <= firstKey || (args.size() - firstKey) % stride != 0) {
            // let the server produce its own arity error
            return args.size() > firstKey ? bySlot(request, HashSlot.of(args.get(firstKey)), 0) : anyNode(request);
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = firstKey; i < args.size(); i += stride) {
            bySlot.computeIfAbsent(HashSlot.of(args.get(i)), s -> new ArrayList<>()).add((i - firstKey) / stride);
        }
        if (bySlot.size() == 1) {
            return bySlot(request, bySlot.keySet().iterator().next(), 0);
        }
        int keyCount = (args.size() - firstKey) / stride;
        List<CompletableFuture<ValkeyFrame>> parts = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> group : bySlot.entrySet()) {
            List<ValkeyFrame> elements = new ArrayList<>();
            for (int i = 0; i < firstKey; i++) {
                elements.add(new ValkeyFrame.BulkString(args.get(i)));
            }
            int[] keys = new int[group.getValue().size()];
            for (int k = 0; k < keys.length; k++) {
                int key = group.getValue().get(k);
                keys[k] = key;
                for (int j = 0; j < stride; j++) {
                    elements.add(new ValkeyFrame.BulkString(args.get(firstKey + key * stride + j)));
                }
            }
            positions.add(keys);
            Message part = Message.fromFrame(new ValkeyFrame.Array(elements));
            parts.add(bySlot(part, group.getKey(), 0).thenApply(ValkeySinkCluster::frameAndRelease));
        }
        return gather(request, parts, list -> fold.fold(list, positions, keyCount));
    }

    private CompletableFuture<Message> allPrimaries(Message request, Fold fold) {
        return withTopology(map -> {
            List<CompletableFuture<ValkeyFrame>> parts = new ArrayList<>();
            for (HostAndPort primary : map.primaries()) {
                parts.add(connection(primary).send(request).thenApply(ValkeySinkCluster::frameAndRelease));
            }
            return gather(request, parts, list -> fold.fold(list, List.of(), 0));
        });
    }

    private static ValkeyFrame frameAndRelease(Message reply) {
        try {
            return reply.frame(ValkeyFrame.class);
        } finally {
            reply.release();
        }
    }

    /** Waits for every part (even after one failed, so none is left behind), then folds; an error part wins. */
    private static CompletableFuture<Message> gather(Message request, List<CompletableFuture<ValkeyFrame>> parts,
                                                     java.util.function.Function<List<ValkeyFrame>, ValkeyFrame> fold) {
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                    }
                    List<ValkeyFrame> frames = new ArrayList<>(parts.size());
                    for (CompletableFuture<ValkeyFrame> part : parts) {
                        ValkeyFrame frame = part.join();
                        if (frame instanceof ValkeyFrame.Error || frame instanceof ValkeyFrame.BulkError) {
                            return Message.responseTo(request, frame);
                        }
                        frames.add(frame);
                    }
                    return Message.responseTo(request, fold.apply(frames));
                });
    }

    private ValkeyFrame foldMget(List<ValkeyFrame> parts, List<int[]> positions, int keyCount) {
        ValkeyFrame[] values = new ValkeyFrame[keyCount];
        for (int p = 0; p < parts.size(); p++) {
            if (!(parts.get(p) instanceof ValkeyFrame.Array array)
                    || array.elements().size() != positions.get(p).length) {
                return ValkeyFrame.error("ERR Shotover ValkeySinkCluster: unexpected MGET reply " + parts.get(p));
            }
            int[] keys = positions.get(p);
            for (int k = 0; k < keys.length; k++) {
                values[keys[k]] = array.elements().get(k);
            }
        }
        return new ValkeyFrame.Array(Arrays.asList(values));
    }

    private static ValkeyFrame foldOk(List<ValkeyFrame> parts, List<int[]> positions, int keyCount) {
        return parts.isEmpty() ? ValkeyFrame.ok() : parts.get(0);
    }

    private static ValkeyFrame foldFirst(List<ValkeyFrame> parts, List<int[]> positions, int keyCount) {
        return parts.isEmpty() ? new ValkeyFrame.NullBulkString() : parts.get(0);
    }

    private static ValkeyFrame foldSum(List<ValkeyFrame> parts, List<int[]> positions, int keyCount) {
        long sum = 0;
        for (ValkeyFrame part : parts) {
            if (!(part instanceof ValkeyFrame.Integer integer)) {
                return ValkeyFrame.error("ERR Shotover ValkeySinkCluster: expected an integer reply, got " + part);
            }
            sum += integer.value();
        }
        return new ValkeyFrame.Integer(sum);
    }

    private static ValkeyFrame foldJoin(List<ValkeyFrame> parts, List<int[]> positions, int keyCount) {
        List<ValkeyFrame> all = new ArrayList<>();
        for (ValkeyFrame part : parts) {
            if (!(part instanceof ValkeyFrame.Array array)) {
                return ValkeyFrame.error("ERR Shotover ValkeySinkCluster: expected an array reply, got " + part);
            }
            all.addAll(array.elements());
        }
        return new ValkeyFrame.Array(all);
    }

    // ---- topology and connections ----

    /**
     * Runs {@code action} with the slot map: at once when it is known, else once it has been fetched. Waiting
     * actions run in the order they arrived (CompletableFuture would run its dependents in reverse order, which
     * would reorder the first pipelined requests of a connection).
     */
    private CompletableFuture<Message> withTopology(Function<SlotMap, CompletableFuture<Message>> action) {
        SlotMap ready = readyMap();
        if (ready != null) {
            return action.apply(ready);
        }
        CompletableFuture<Message> result = new CompletableFuture<>();
        topologyWaiters.add(new TopologyWaiter(action, result));
        topology();
        return result;
    }

    /** An action waiting for the slot map, and the future of its outcome. */
    private record TopologyWaiter(Function<SlotMap, CompletableFuture<Message>> action,
                                  CompletableFuture<Message> result) {
    }

    private void runTopologyWaiters(SlotMap map, Throwable failure) {
        if (topologyWaiters.isEmpty() || (failure == null && draining)) {
            // while draining, routedAnswered runs them once the requests routed by the old map are answered
            return;
        }
        List<TopologyWaiter> waiters = topologyWaiters;
        topologyWaiters = new ArrayList<>();
        batcher.runBatch(() -> {
            for (TopologyWaiter waiter : waiters) {
                if (failure != null) {
                    waiter.result().completeExceptionally(failure);
                    continue;
                }
                try {
                    waiter.action().apply(map).whenComplete((reply, error) -> {
                        if (error != null) {
                            waiter.result().completeExceptionally(error);
                        } else {
                            waiter.result().complete(reply);
                        }
                    });
                } catch (RuntimeException e) {
                    waiter.result().completeExceptionally(e);
                }
            }
        });
    }

    /**
     * AUTH: validated on a new connection (AUTH, then CLUSTER SLOTS with those credentials). On success the new
     * credentials and slot map replace the old ones and the old node connections are retired once idle; on failure
     * the cluster's error (WRONGPASS, NOPERM, ...) is returned and the session keeps its earlier credentials.
     */
    private CompletableFuture<Message> auth(Message request, ValkeyFrame.Array authFrame) {
        HostAndPort node = lastMap != null && !lastMap.primaries().isEmpty() ? lastMap.primaries().get(0)
                : contactPoints.get(0);
        NodeConnection probe = new NodeConnection(context, node, tls, connectTimeoutMs, batcher, null, c -> { });
        CompletableFuture<Message> authReply = probe.send(Message.fromFrame(authFrame));
        CompletableFuture<Message> slotsReply = probe.send(Message.fromFrame(ValkeyFrame.command("CLUSTER", "SLOTS")));
        return CompletableFuture.allOf(authReply, slotsReply).handle((ignored, failure) -> {
            Message authMessage = authReply.getNow(null);
            Message slotsMessage = slotsReply.getNow(null);
            try {
                if (failure != null) {
                    throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                }
                ValkeyFrame authResult = authMessage.frame(ValkeyFrame.class);
                if (authResult instanceof ValkeyFrame.Error) {
                    return Message.responseTo(request, authResult);
                }
                ValkeyFrame slots = slotsMessage.frame(ValkeyFrame.class);
                if (slots instanceof ValkeyFrame.Error error) {
                    return Message.responseTo(request, error.message().startsWith("NOPERM")
                            ? ValkeyFrame.error("NOPERM upstream user lacks required permission")
                            : slots);
                }
                SlotMap map = SlotMap.parse(slots, node);
                authCommand = authFrame;
                lastMap = map;
                topology = CompletableFuture.completedFuture(map);
                topologyStale = false;
                mapReplaced();
                for (NodeConnection[] pool : connections.values()) {
                    for (NodeConnection old : pool) {
                        if (old != null) {
                            old.retire();
                        }
                    }
                }
                connections.clear();
                return Message.responseTo(request, ValkeyFrame.ok());
            } finally {
                if (authMessage != null) {
                    authMessage.release();
                }
                if (slotsMessage != null) {
                    slotsMessage.release();
                }
                probe.close(new IOException("probe done"));
            }
        });
    }

    /** Starts a fetch of the slot map when none is known or it is stale; the future of the current fetch. */
    private CompletableFuture<SlotMap> topology() {
        if (topology == null || (topologyStale && topology.isDone())) {
            topologyStale = false;
            CompletableFuture<SlotMap> fetch = new CompletableFuture<>();
            topology = fetch;
            fetch.whenComplete(this::runTopologyWaiters);
            List<HostAndPort> candidates = new ArrayList<>();
            if (lastMap != null) {
                candidates.addAll(lastMap.nodes());
            }
            for (HostAndPort contact : contactPoints) {
                if (!candidates.contains(contact)) {
                    candidates.add(contact);
                }
            }
            fetchSlots(candidates, 0, fetch, null);
        }
        return topology;
    }

    private void fetchSlots(List<HostAndPort> candidates, int index, CompletableFuture<SlotMap> fetch,
                            Throwable lastFailure) {
        if (closed) {
            fetch.completeExceptionally(new IOException("the client connection closed"));
            return;
        }
        if (index >= candidates.size()) {
            // forget the failed fetch so that the next request tries again
            if (topology == fetch) {
                topology = null;
            }
            fetch.completeExceptionally(new IOException("could not read the cluster topology (CLUSTER SLOTS) from "
                    + candidates + (lastFailure == null ? "" : ": " + lastFailure.getMessage()), lastFailure));
            return;
        }
        HostAndPort node = candidates.get(index);
        Message clusterSlots = Message.fromFrame(ValkeyFrame.command("CLUSTER", "SLOTS"));
        connection(node).send(clusterSlots).whenComplete((reply, failure) -> {
            if (failure != null) {
                fetchSlots(candidates, index + 1, fetch,
                        failure instanceof CompletionException ce ? ce.getCause() : failure);
                return;
            }
            SlotMap map;
            try {
                if (reply.frame(ValkeyFrame.class) instanceof ValkeyFrame.Error error
                        && (error.message().startsWith("NOAUTH") || error.message().startsWith("NOPERM"))) {
                    // the client must authenticate first: it gets the cluster's own answer
                    if (topology == fetch) {
                        topology = null;
                    }
                    fetch.completeExceptionally(new RedirectError(error.message()));
                    return;
                }
                map = SlotMap.parse(reply.frame(ValkeyFrame.class), node);
            } catch (RuntimeException e) {
                fetchSlots(candidates, index + 1, fetch, e);
                return;
            } finally {
                reply.release();
            }
            lastMap = map;
            mapReplaced();
            fetch.complete(map);
        });
    }

    /** The connection used for commands that are not about one slot. */
    private NodeConnection connection(HostAndPort node) {
        return connection(node, 0);
    }

    /**
     * The connection to {@code node} for {@code slot}. With {@code connection_count} > 1 the slot picks the
     * connection, so that the commands of one key always share a connection and keep the client's order.
     */
    private NodeConnection connection(HostAndPort node, int slot) {
        NodeConnection[] pool = connections.computeIfAbsent(node, n -> new NodeConnection[connectionCount]);
        int index = connectionCount == 1 ? 0 : slot % connectionCount;
        NodeConnection connection = pool[index];
        if (connection == null || connection.isClosed()) {
            connection = new NodeConnection(context, node, tls, connectTimeoutMs, batcher, authCommand,
                    this::connectionClosed);
            pool[index] = connection;
        }
        return connection;
    }

    private void connectionClosed(NodeConnection connection) {
        // a node went away: the slot map may be wrong too
        topologyStale = true;
    }

    @Override
    public void close() {
        closed = true;
        IOException cause = new IOException("the client connection closed");
        for (NodeConnection[] pool : connections.values()) {
            for (NodeConnection connection : pool) {
                if (connection != null) {
                    connection.close(cause);
                }
            }
        }
        connections.clear();
    }
}
