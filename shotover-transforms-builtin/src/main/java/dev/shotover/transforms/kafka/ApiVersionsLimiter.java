package dev.shotover.transforms.kafka;

import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.kafka.KafkaFrame;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Keeps clients on API versions the proxy can decode: in an ApiVersions response, the highest version the broker
 * offers for each API is lowered to the highest that kafka-clients (our codec) knows. A client then negotiates a
 * version we can read, which matters for the responses the sink must rewrite (a newer broker and client could
 * otherwise agree on a Metadata version the proxy cannot decode, and the broker ports would leak through).
 *
 * <p>APIs the codec does not know are left as they are (they pass through undecoded), and so is an API whose
 * lowest broker version is already above what the codec knows, since no version would remain. The response is
 * re-encoded only when something was lowered.
 *
 * <p>Stateless; safe from any thread (the messages are not).
 */
final class ApiVersionsLimiter {
    private ApiVersionsLimiter() {
    }

    /** Lowers the advertised versions of an ApiVersions {@code response}; returns whether it changed anything. */
    static boolean limit(Message response) {
        ApiVersionsResponseData data;
        try {
            data = response.frame(KafkaFrame.Response.class).body(ApiVersionsResponseData.class);
        } catch (MessageParseException e) {
            // a version we cannot read: nothing to lower, and the client may still understand it
            return false;
        }
        boolean changed = false;
        for (ApiVersionsResponseData.ApiVersion api : data.apiKeys()) {
            if (!ApiKeys.hasId(api.apiKey())) {
                continue;
            }
            short known = ApiKeys.forId(api.apiKey()).latestVersion();
            if (api.maxVersion() > known && api.minVersion() <= known) {
                api.setMaxVersion(known);
                changed = true;
            }
        }
        if (changed) {
            response.invalidateCache();
        }
        return changed;
    }
}
