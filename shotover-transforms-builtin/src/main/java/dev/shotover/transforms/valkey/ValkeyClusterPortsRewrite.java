package dev.shotover.transforms.valkey;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Transform;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespMessageKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The per-connection instance of {@code ValkeyClusterPortsRewrite}: puts the proxy's port into the replies that
 * tell cluster-aware clients where the nodes are ({@code CLUSTER SLOTS}, {@code SHARDS}, {@code NODES},
 * {@code REPLICAS}/{@code SLAVES}), and into {@code MOVED}/{@code ASK} redirects, so that every connection such a
 * client opens comes through the proxy.
 *
 * <p>Requests are remembered by id on the way down and their responses found by request id on the way up, so the
 * pairing holds whatever the order of responses and however runs overlap. Every other message passes untouched and
 * unparsed: a request's command name is read in place, and of the responses only errors are parsed, to find
 * redirects. Other error replies (NOAUTH, NOPERM) pass unchanged.
 *
 * <p><b>Threading.</b> Confined to the client connection's event loop. <b>Buffers.</b> A rewritten response gets a
 * new frame, which releases its raw bytes ({@link Message#setFrame}); nothing else is retained or released.
 */
final class ValkeyClusterPortsRewrite implements Transform {
    private final int newPort;
    /** Requests sent down whose responses are to be rewritten, by request id. */
    private final Map<MessageId, ClusterTopologyReply> awaited = new HashMap<>();

    ValkeyClusterPortsRewrite(int newPort) {
        this.newPort = newPort;
    }

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        for (Message request : state.requests()) {
            ClusterTopologyReply kind = ClusterTopologyReply.of(request);
            if (kind != null) {
                awaited.put(request.id(), kind);
            }
        }
        return state.callNextTransform().thenApply(this::rewrite);
    }

    private List<Message> rewrite(List<Message> responses) {
        for (Message response : responses) {
            MessageId requestId = response.requestId();
            ClusterTopologyReply kind = requestId == null || awaited.isEmpty() ? null : awaited.remove(requestId);
            if (kind == null) {
                rewriteRedirect(response);
                continue;
            }
            ValkeyFrame original = response.frame(ValkeyFrame.class);
            ValkeyFrame rewritten = kind.rewrite(original, newPort);
            if (!rewritten.equals(original)) {
                response.setFrame(rewritten);
            }
        }
        return responses;
    }

    /** A redirect would send the client straight to a node: it must name the proxy's port too. */
    private void rewriteRedirect(Message response) {
        if (RespMessageKind.of(response) != RespMessageKind.ERROR
                || !(response.frame(ValkeyFrame.class) instanceof ValkeyFrame.Error error)) {
            return;
        }
        ValkeyFrame.Error redirect = ClusterTopologyReply.rewriteRedirect(error.message(), newPort);
        if (redirect != null) {
            response.setFrame(redirect);
        }
    }
}
