package dev.shotover.transforms.valkey.timestamp;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes replies carry the time their key was last written through the proxy: each command of a fixed list (common
 * single-key reads and writes, {@code DEL}/{@code UNLINK}, {@code MSET}/{@code MSETNX}, {@code RENAME} and other
 * two-key moves) is sent wrapped in a Lua script that also reads (for reads) or
 * stores (for writes) the key's timestamp in a companion key, and the script's reply is unwrapped on the way back.
 * With {@code attach_timestamp} the timestamp stays on the reply as a {@link LastModified} attribute for a
 * transform up-chain (ConsistentScatter turns this on for the taggers in its routes); without it the client gets
 * the plain reply, so the tagger is invisible apart from its cost.
 *
 * <p>Left alone, with no timestamp: commands not in the list, commands between {@code MULTI} and
 * {@code EXEC}/{@code DISCARD} (they would be queued as scripts and answered inside {@code EXEC}'s array),
 * commands with more than 4000 arguments (Lua's {@code unpack} limit), and requests that are not
 * arrays of bulk strings.
 *
 * <p><b>Threading.</b> One instance per client connection (it tracks the connection's transaction state),
 * confined to its event loop. <b>Buffers.</b> A wrapped request gets a new frame ({@link Message#setFrame}), which
 * releases its raw bytes; an unwrapped response likewise. Nothing is dropped, so nothing else is released.
 */
public final class RedisTimestampTagger implements Transform {
    private static final Logger log = LoggerFactory.getLogger(RedisTimestampTagger.class);

    private final boolean attachTimestamp;
    private final LastModifiedClock clock;
    private boolean inTransaction;

    /**
     * @param attachTimestamp keep the timestamp on replies as a {@link LastModified} attribute
     * @param clock           where write timestamps come from
     */
    public RedisTimestampTagger(boolean attachTimestamp, LastModifiedClock clock) {
        this.attachTimestamp = attachTimestamp;
        this.clock = clock;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        Set<MessageId> wrapped = null;
        for (Message request : state.requests()) {
            if (wrap(request)) {
                if (wrapped == null) {
                    wrapped = new HashSet<>();
                }
                wrapped.add(request.id());
            }
        }
        CompletionStage<List<Message>> responses = state.callNextTransform();
        if (wrapped == null) {
            return responses;
        }
        Set<MessageId> ids = wrapped;
        return responses.thenApply(list -> {
            for (Message response : list) {
                if (response.requestId() != null && ids.contains(response.requestId())) {
                    unwrap(response);
                }
            }
            return list;
        });
    }

    /** Wraps {@code request} when it is a tagged command; returns whether it did. */
    private boolean wrap(Message request) {
        ValkeyFrame frame;
        try {
            frame = request.frame(ValkeyFrame.class);
        } catch (RuntimeException e) {
            // not parseable here: the sink or the server reports it, untouched
            return false;
        }
        String name = frame.commandName();
        if (name == null) {
            return false;
        }
        if (inTransaction) {
            if (name.equals("EXEC") || name.equals("DISCARD")) {
                inTransaction = false;
            }
            return false;
        }
        if (name.equals("MULTI")) {
            inTransaction = true;
            return false;
        }
        TaggedCommands.Command command = TaggedCommands.lookup(name);
        if (command == null) {
            return false;
        }
        List<ValkeyFrame> elements = ((ValkeyFrame.Array) frame).elements();
        if (elements.size() > TimestampScripts.MAX_WRAPPED_ARGUMENTS) {
            return false;
        }
        List<ValkeyFrame.BulkString> arguments = new ArrayList<>(elements.size());
        for (ValkeyFrame element : elements) {
            if (!(element instanceof ValkeyFrame.BulkString bulk)) {
                return false;
            }
            arguments.add(bulk);
        }
        int[] keys = command.keyPositions(arguments.size());
        if (keys == null) {
            return false;
        }
        request.setFrame(TimestampScripts.wrap(arguments, keys, command.write() ? clock.next() : null));
        return true;
    }

    private void unwrap(Message response) {
        ValkeyFrame frame;
        try {
            frame = response.frame(ValkeyFrame.class);
        } catch (RuntimeException e) {
            return;
        }
        TimestampScripts.Unwrapped unwrapped = TimestampScripts.unwrap(frame);
        if (unwrapped == null) {
            if (!frame.isError()) {
                // something other than the script answered (a DebugReturner, a misbehaving server): pass it on
                log.debug("reply to a wrapped command is not the timestamp script's: {}", frame);
            }
            return;
        }
        ValkeyFrame reply = unwrapped.reply();
        if (attachTimestamp && unwrapped.micros().isPresent()) {
            reply = LastModified.attach(reply, unwrapped.micros().getAsLong());
        }
        response.setFrame(reply);
    }
}
