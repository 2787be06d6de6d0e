package dev.shotover.transforms.support;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.QueryType;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlStatement;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the CQL prepared statements seen by one transform occurrence do: prepared id → the statement(s) of the
 * {@code PREPARE} that produced it. Lets transforms classify or count an {@code EXECUTE} (and the prepared children
 * of a {@code BATCH}), whose body carries only the id, by the statement it runs.
 *
 * <p><b>Learning.</b> A transform collects the {@code PREPARE} requests it passes down-chain in a
 * {@link PendingPrepares} and hands it the responses; each {@code RESULT Prepared} paired (by request id) with one of
 * them records its id with the statements of the query text ({@link CqlStatement#parseAll}), unqualified tables
 * resolved against the request's own keyspace (protocol v5) or else the connection's keyspace. Cassandra derives the
 * id from the keyspace and the query text, so an id means the same statement on every connection: entries are shared
 * by all connections of the chain.
 *
 * <p><b>Bounds.</b> At most {@code maxEntries} ids (default {@value #DEFAULT_MAX_ENTRIES}) and {@code maxCqlChars}
 * characters of statement text (default {@value #DEFAULT_MAX_CQL_CHARS}, a statement costs its text's length), like
 * Cassandra's own cache which is bounded by memory. Beyond either, entries not used recently are evicted (the
 * second-chance "clock" approximation of least-recently-used: a lookup only sets a flag, so lookups never contend).
 * The entry just added is never evicted, so even a statement above the text bound is remembered until the next one.
 * An evicted or never-seen id is simply unknown; callers that need to know answer the client with
 * {@link #unpreparedResponse}, and drivers then prepare again through the proxy.
 *
 * <p><b>Cost per request.</b> The static helpers read the opcode, stream id and an {@code EXECUTE}'s id from the raw
 * envelope header and body without decoding it; only {@code PREPARE} requests and the responses to them are decoded.
 *
 * <p><b>Threading.</b> Thread-safe: one instance serves every connection of the chain, across event loops. Lookups
 * are lock-free; recording takes a lock (it happens once per {@code PREPARE}). <b>Buffers.</b> Never retains or
 * releases a message's buffer; everything kept is copied.
 */
public final class PreparedStatements {
    /** The default bound on the number of prepared ids remembered. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** The default bound on the statement text remembered, in characters (16 Mi). */
    public static final long DEFAULT_MAX_CQL_CHARS = 16L * 1024 * 1024;

    private static final int HEADER_LENGTH = 9;
    private static final int FLAGS_OFFSET = 1;
    private static final int STREAM_ID_OFFSET = 2;
    private static final int OPCODE_OFFSET = 4;
    /** Request flags that put nothing in front of the body: tracing (0x02) and beta (0x10). */
    private static final int FLAGS_WITHOUT_BODY_PREFIX = 0x02 | 0x10;

    private final int maxEntries;
    private final long maxCqlChars;
    private final ConcurrentHashMap<PreparedId, Entry> entries = new ConcurrentHashMap<>();
    /** Every entry in insertion order, plus replaced ones not yet skipped; the clock hand is its head. */
    private final ArrayDeque<Entry> clock = new ArrayDeque<>();
    /** The text of the entries in {@link #entries}; guarded by {@link #clock}. */
    private long cqlChars;
    /** Guarded by {@link #clock}. */
    private long evictions;

    /** A registry with the default bounds. */
    public PreparedStatements() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_CQL_CHARS);
    }

    /**
     * A registry with the given bounds.
     *
     * @param maxEntries  how many prepared ids to remember, at least 1
     * @param maxCqlChars how many characters of statement text to remember, at least 1
     */
    public PreparedStatements(int maxEntries, long maxCqlChars) {
        if (maxEntries < 1 || maxCqlChars < 1) {
            throw new IllegalArgumentException("bounds must be positive, were " + maxEntries + " entries and "
                    + maxCqlChars + " characters");
        }
        this.maxEntries = maxEntries;
        this.maxCqlChars = maxCqlChars;
    }

    /**
     * {@return the statements prepared under {@code id}, or null when the id is unknown (never seen, or evicted)}
     *
     * @param id a prepared id as the server returned it
     */
    public List<CqlStatement> lookup(byte[] id) {
        Entry entry = entries.get(new PreparedId(id));
        if (entry == null) {
            return null;
        }
        if (!entry.referenced) {
            // a plain volatile write, and only when the clock hand has cleared it: hot ids cost no write at all
            entry.referenced = true;
        }
        return entry.statements;
    }

    /**
     * Records that {@code id} prepares {@code statements}, replacing what the id meant before, and evicts entries
     * beyond the bounds.
     *
     * @param id         the prepared id from the server's {@code RESULT Prepared}; copied
     * @param statements the statements of the prepared query text, keyspaces resolved; not empty
     */
    public void remember(byte[] id, List<CqlStatement> statements) {
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a prepared id stands for at least one statement");
        }
        Entry entry = new Entry(new PreparedId(id.clone()), List.copyOf(statements));
        synchronized (clock) {
            Entry previous = entries.get(entry.id);
            if (previous != null && previous.statements.equals(entry.statements)) {
                // drivers prepare the same statement again (on every node, after restarts): nothing changes
                previous.referenced = true;
                return;
            }
            entries.put(entry.id, entry);
            if (previous != null) {
                cqlChars -= previous.cqlChars;
            }
            cqlChars += entry.cqlChars;
            clock.addLast(entry);
            evictBeyondBounds(entry);
        }
    }

    private void evictBeyondBounds(Entry newest) {
        // Every entry gets at most one second chance per call, so lookups setting flags cannot keep this looping.
        int secondChances = clock.size();
        while ((entries.size() > maxEntries || cqlChars > maxCqlChars) && entries.size() > 1) {
            Entry candidate = clock.pollFirst();
            if (entries.get(candidate.id) != candidate) {
                continue; // replaced since: its successor is further back in the clock
            }
            if (candidate == newest || (candidate.referenced && secondChances-- > 0)) {
                candidate.referenced = false;
                clock.addLast(candidate);
                continue;
            }
            entries.remove(candidate.id, candidate);
            cqlChars -= candidate.cqlChars;
            evictions++;
        }
        // drop replaced entries that reached the head, so the clock does not grow with re-prepares
        while (!clock.isEmpty() && entries.get(clock.peekFirst().id) != clock.peekFirst()) {
            clock.pollFirst();
        }
        if (clock.size() > 2 * entries.size() + 16) {
            clock.removeIf(e -> entries.get(e.id) != e);
        }
    }

    /** {@return how many prepared ids are remembered} */
    public int size() {
        return entries.size();
    }

    /** {@return how many entries were evicted to stay within the bounds, since creation} */
    public long evictions() {
        synchronized (clock) {
            return evictions;
        }
    }

    /** {@return a collector for the {@code PREPARE} requests of one chain run} */
    public PendingPrepares pendingPrepares() {
        return new PendingPrepares();
    }

    /**
     * {@return how the statements of one request classify together: their common {@link QueryType}, or
     * {@link QueryType#READ_WRITE} when they differ; {@link QueryType#READ} for none} The same rule
     * {@link CassandraFrame#queryType()} applies to a QUERY.
     *
     * @param statements the statements
     */
    public static QueryType queryType(List<CqlStatement> statements) {
        QueryType type = null;
        for (CqlStatement statement : statements) {
            QueryType t = statement.queryType();
            type = type == null || type == t ? t : QueryType.READ_WRITE;
        }
        return type == null ? QueryType.READ : type;
    }

    /**
     * {@return the opcode of a CQL request, read from the envelope header when the message holds its raw bytes,
     * else from its frame}
     *
     * @param request a CQL message
     * @throws MessageParseException if the message has no raw header and its frame does not parse
     */
    public static int opcode(Message request) {
        ByteBuf raw = request.rawBytes();
        if (raw != null && raw.readableBytes() >= HEADER_LENGTH) {
            return raw.getUnsignedByte(raw.readerIndex() + OPCODE_OFFSET);
        }
        return request.frame(CassandraFrame.class).opcode();
    }

    /**
     * {@return the prepared id an {@code EXECUTE} request runs} Read from the first bytes of the body, which is not
     * decoded, unless a custom payload (or an unknown flag) puts something in front of it.
     *
     * @param execute a CQL {@code EXECUTE} request
     * @throws MessageParseException if the id cannot be read or the message is not an {@code EXECUTE}
     */
    public static byte[] executedId(Message execute) {
        ByteBuf raw = execute.rawBytes();
        if (raw != null && raw.readableBytes() >= HEADER_LENGTH + 2
                && (raw.getUnsignedByte(raw.readerIndex() + FLAGS_OFFSET) & ~FLAGS_WITHOUT_BODY_PREFIX) == 0
                && raw.getUnsignedByte(raw.readerIndex() + OPCODE_OFFSET) == ProtocolConstants.Opcode.EXECUTE) {
            int idStart = raw.readerIndex() + HEADER_LENGTH + 2;
            int length = raw.getUnsignedShort(idStart - 2);
            if (idStart + length > raw.writerIndex()) {
                throw new MessageParseException("the prepared id of an EXECUTE announces " + length
                        + " bytes but the envelope ends before");
            }
            byte[] id = new byte[length];
            raw.getBytes(idStart, id);
            return id;
        }
        if (execute.frame(CassandraFrame.class).message() instanceof Execute body) {
            return body.queryId;
        }
        throw new MessageParseException("not an EXECUTE request: " + execute);
    }

    /**
     * {@return the {@code Unprepared} error (code 0x2500) Cassandra answers to an {@code EXECUTE} of an id it does not
     * know, with Cassandra's text, as a response to {@code request}} Drivers answer it by preparing the statement
     * again on the same connection and retrying.
     *
     * @param request the {@code EXECUTE} (or {@code BATCH}) request; its version and stream id are read from its
     *                header
     * @param id      the unknown prepared id
     */
    public static Message unpreparedResponse(Message request, byte[] id) {
        ByteBuf raw = request.rawBytes();
        int version;
        int streamId;
        if (raw != null && raw.readableBytes() >= HEADER_LENGTH) {
            version = raw.getByte(raw.readerIndex()) & 0x7F;
            streamId = raw.getShort(raw.readerIndex() + STREAM_ID_OFFSET);
        } else {
            CassandraFrame frame = request.frame(CassandraFrame.class);
            version = frame.version();
            streamId = frame.streamId();
        }
        String text = "Prepared query with ID " + HexFormat.of().formatHex(id) + " not found (either the query was"
                + " not prepared on this host (maybe the host has been restarted?) or you have prepared too many"
                + " queries and it has been evicted from the internal cache)";
        return Message.responseTo(request, CassandraFrame.responseTo(version, streamId, new Unprepared(text, id)));
    }

    /**
     * The {@code PREPARE} requests one chain run passes down-chain, waiting for their answers. Add each with
     * {@link #add}, then hand the run's responses to {@link #rememberPrepared}.
     *
     * <p><b>Threading.</b> Confined to the run's event loop; the registry it records into is shared.
     */
    public final class PendingPrepares {
        private final Map<MessageId, PreparedText> byRequestId = new HashMap<>(4);

        private PendingPrepares() {
        }

        /**
         * Waits for the answer to a {@code PREPARE} request; decodes it now (its bytes may be released by the time
         * the answer comes). A request that does not parse is ignored: the server will not prepare it either.
         *
         * @param prepare a CQL {@code PREPARE} request that is passed down-chain
         */
        public void add(Message prepare) {
            CassandraFrame frame;
            try {
                frame = prepare.frame(CassandraFrame.class);
            } catch (MessageParseException e) {
                return;
            }
            if (frame.message() instanceof Prepare body) {
                String keyspace = body.keyspace != null ? body.keyspace : frame.connectionKeyspace();
                byRequestId.put(prepare.id(), new PreparedText(body.cqlQuery, keyspace));
            }
        }

        /** {@return true when no request was added} */
        public boolean isEmpty() {
            return byRequestId.isEmpty();
        }

        /**
         * Records every {@code RESULT Prepared} among {@code responses} that answers an added request. Only
         * responses to those requests with opcode {@code RESULT} are decoded; errors and the rest are left alone.
         *
         * @param responses the run's responses; not modified
         * @return {@code responses}, so this can be a {@code thenApply} step
         */
        public List<Message> rememberPrepared(List<Message> responses) {
            for (Message response : responses) {
                MessageId requestId = response.requestId();
                PreparedText request = requestId == null ? null : byRequestId.get(requestId);
                if (request != null && isResult(response)) {
                    learn(request, response);
                }
            }
            return responses;
        }

        private boolean isResult(Message response) {
            try {
                return opcode(response) == ProtocolConstants.Opcode.RESULT;
            } catch (MessageParseException e) {
                return false;
            }
        }

        private void learn(PreparedText request, Message response) {
            Object body;
            try {
                body = response.frame(CassandraFrame.class).message();
            } catch (MessageParseException e) {
                return;
            }
            if (body instanceof Prepared prepared) {
                List<CqlStatement> parsed = CqlStatement.parseAll(request.cql());
                List<CqlStatement> statements = new ArrayList<>(parsed.size());
                for (CqlStatement statement : parsed) {
                    statements.add(statement.withKeyspace(request.keyspace()));
                }
                remember(prepared.preparedQueryId, statements);
            }
        }
    }

    /** The query text of a PREPARE and the keyspace its unqualified tables are in (null for none). */
    private record PreparedText(String cql, String keyspace) {
    }

    /** A prepared id with value equality, for map keys. */
    private static final class PreparedId {
        private final byte[] bytes;
        private final int hash;

        PreparedId(byte[] bytes) {
            this.bytes = Objects.requireNonNull(bytes, "id");
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PreparedId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(bytes);
        }
    }

    private static final class Entry {
        final PreparedId id;
        final List<CqlStatement> statements;
        final long cqlChars;
        /**
         * Set by lookups, cleared by the clock hand. A new entry starts unreferenced, so entries that were looked up
         * since outlive those that were not; the entry being added is protected by the sweep itself.
         */
        volatile boolean referenced;

        Entry(PreparedId id, List<CqlStatement> statements) {
            this.id = id;
            this.statements = statements;
            long chars = 0;
            for (CqlStatement statement : statements) {
                chars += statement.cql().length();
            }
            this.cqlChars = chars;
        }
    }
}
