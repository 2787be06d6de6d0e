package dev.shotover.transforms.debug;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.Transform;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pass-through transform that logs every request on its way down and every response on its way up at INFO
 * level (logger {@code dev.shotover.transforms.debug.DebugPrinter}), as {@code Request: <message>} and
 * {@code Response: <message>}.
 *
 * <p>When INFO is enabled, each message is parsed before it is printed so that the log shows its content rather
 * than its size, like Shotover's high-level rendering. Parsing does not modify a message: it is still written as
 * its original bytes. Meant for temporary debugging only: logging every message is slow.
 *
 * <p><b>Threading.</b> Stateless; one instance may serve every connection. <b>Buffers.</b> Releases nothing:
 * every response is passed on.
 */
public final class DebugPrinter implements Transform {
    private static final Logger LOG = LoggerFactory.getLogger(DebugPrinter.class);

    @Override
    public CompletionStage<List<Message>> transform(ChainState state) {
        if (LOG.isInfoEnabled()) {
            for (Message request : state.requests()) {
                LOG.info("Request: {}", describe(request));
            }
        }
        return state.callNextTransform().thenApply(responses -> {
            if (LOG.isInfoEnabled()) {
                for (Message response : responses) {
                    LOG.info("Response: {}", describe(response));
                }
            }
            return responses;
        });
    }

    private static String describe(Message message) {
        try {
            message.frame();
        } catch (MessageParseException | IllegalStateException e) {
            // A debugging aid must never break the chain: show what we have and why it is not more.
            return message + " (unparseable: " + e.getMessage() + ")";
        }
        return message.toString();
    }
}
