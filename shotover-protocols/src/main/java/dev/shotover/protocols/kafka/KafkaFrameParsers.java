package dev.shotover.protocols.kafka;

import dev.shotover.api.Frame;
import dev.shotover.api.FrameParser;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The {@link FrameParser}s that decoded Kafka messages carry. A request decodes from its own bytes; a response needs
 * the API key and version of its request, so each (api key, version) pair has its own parser, made once and shared.
 *
 * <p>Immutable; safe from any thread.
 */
public final class KafkaFrameParsers {
    /** Parses requests. */
    public static final FrameParser REQUEST = KafkaFrameCodec::decodeRequest;
    /** Parses tokens of the legacy SASL flow, in either direction. */
    public static final FrameParser SASL_TOKEN = KafkaFrameCodec::decodeSaslToken;

    /** RESPONSES[api key id][version], for every key and version kafka-clients knows. */
    private static final FrameParser[][] RESPONSES;

    static {
        int maxId = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxId = Math.max(maxId, key.id);
        }
        RESPONSES = new FrameParser[maxId + 1][];
        for (ApiKeys key : ApiKeys.values()) {
            FrameParser[] byVersion = new FrameParser[Math.max(key.latestVersion() + 1, 0)];
            for (short v = 0; v < byVersion.length; v++) {
                byVersion[v] = new ResponseParser(key, v);
            }
            RESPONSES[key.id] = byVersion;
        }
    }

    private KafkaFrameParsers() {
    }

    /** The parser of responses to {@code apiKeyId} requests at {@code version}. */
    public static FrameParser response(short apiKeyId, short version) {
        if (apiKeyId >= 0 && apiKeyId < RESPONSES.length && RESPONSES[apiKeyId] != null && version >= 0
                && version < RESPONSES[apiKeyId].length) {
            return RESPONSES[apiKeyId][version];
        }
        if (ApiKeys.hasId(apiKeyId)) {
            // decoding reports the unsupported version (or, for ApiVersions, falls back to v0 as brokers do)
            return new ResponseParser(ApiKeys.forId(apiKeyId), version);
        }
        return raw -> {
            throw new KafkaDecodeException("response to a request with unknown api key " + apiKeyId);
        };
    }

    /** Decodes responses of one API version. */
    private record ResponseParser(ApiKeys apiKey, short version) implements FrameParser {
        @Override
        public Frame parse(ByteBuf raw) {
            return KafkaFrameCodec.decodeResponse(raw, apiKey, version);
        }
    }
}
