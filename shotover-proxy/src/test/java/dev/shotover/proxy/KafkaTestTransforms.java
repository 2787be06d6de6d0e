package dev.shotover.proxy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import dev.shotover.api.kafka.KafkaRecords;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.protocol.ApiKeys;

/** Test-only Kafka transforms, registered with {@code ShotoverProxy.builder().registerTransform(...)}. */
final class KafkaTestTransforms {
    private KafkaTestTransforms() {
    }

    /** One message seen by {@link #RECORDER}: a copy of its bytes and the API it belongs to. */
    record Captured(boolean request, short apiKey, short apiVersion, byte[] bytes, boolean modified) {
        String describe() {
            String name = ApiKeys.hasId(apiKey) ? ApiKeys.forId(apiKey).name : "key " + apiKey;
            return name + " v" + apiVersion + (request ? " request" : " response");
        }
    }

    /** Everything the {@code KafkaRecorder} transforms saw, in every test of the JVM (clear it per class). */
    static final List<Captured> CAPTURED = new CopyOnWriteArrayList<>();

    /** Keeps a copy of every request and response that passes (responses as they are after the sink's rewrite). */
    static final TransformFactory RECORDER = new RecorderFactory();

    static final class RecorderFactory extends NamedTestFactory {
        RecorderFactory() {
            super("KafkaRecorder", RecorderConfig.class);
        }
    }

    public record RecorderConfig(String name) implements KafkaOnly {
        @Override
        public Transform transform() {
            return KafkaTestTransforms::record;
        }
    }

    private static CompletionStage<List<Message>> record(ChainState state) {
        Map<MessageId, short[]> apiOf = new HashMap<>();
        for (Message request : state.requests()) {
            short key = KafkaMessages.requestApiKey(request);
            short version = KafkaMessages.requestApiVersion(request);
            apiOf.put(request.id(), new short[] {key, version});
            CAPTURED.add(new Captured(true, key, version, copy(request.rawBytes()), false));
        }
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                short[] api = apiOf.get(response.requestId());
                if (api == null || response.frame() instanceof KafkaFrame.NoResponse) {
                    continue;
                }
                boolean modified = response.rawBytes() == null;
                byte[] bytes = modified
                        ? copyAndRelease(KafkaFrameCodec.encode(
                                response.frame(KafkaFrame.class), UnpooledByteBufAllocator.DEFAULT))
                        : copy(response.rawBytes());
                CAPTURED.add(new Captured(false, api[0], api[1], bytes, modified));
            }
            return responses;
        });
    }

    /** Decodes every request and response and marks it changed, so all of them are re-encoded from their frames. */
    static final TransformFactory FORCE_ENCODE = new ForceEncodeFactory();

    static final class ForceEncodeFactory extends NamedTestFactory {
        ForceEncodeFactory() {
            super("KafkaForceEncode", ForceEncodeConfig.class);
        }
    }

    public record ForceEncodeConfig(String name) implements KafkaOnly {
        @Override
        public Transform transform() {
            return KafkaTestTransforms::forceEncode;
        }
    }

    private static CompletionStage<List<Message>> forceEncode(ChainState state) {
        for (Message request : state.requests()) {
            request.invalidateCache();
        }
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                if (!(response.frame() instanceof KafkaFrame.NoResponse)) {
                    response.invalidateCache();
                }
            }
            return responses;
        });
    }

    /** Upper-cases the value of every record in Fetch responses (what a decrypting or masking transform does), with {@link KafkaRecords}. */
    static final TransformFactory UPPERCASE_FETCHED_VALUES = new UppercaseFactory();

    static final class UppercaseFactory extends NamedTestFactory {
        UppercaseFactory() {
            super("UppercaseFetchedValues", UppercaseConfig.class);
        }
    }

    public record UppercaseConfig(String name) implements KafkaOnly {
        @Override
        public Transform transform() {
            return KafkaTestTransforms::uppercase;
        }
    }

    private static CompletionStage<List<Message>> uppercase(ChainState state) {
        Map<MessageId, Boolean> isFetch = new HashMap<>();
        for (Message request : state.requests()) {
            isFetch.put(request.id(), KafkaMessages.requestApiKey(request) == ApiKeys.FETCH.id);
        }
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                if (Boolean.TRUE.equals(isFetch.get(response.requestId()))) {
                    // the record-batch API: same batches, offsets, keys, headers and compression; new values
                    KafkaRecords.replaceValues(response, record -> record.value() == null ? null
                            : upperCase(record.valueBytes()));
                }
            }
            return responses;
        });
    }

    private static byte[] upperCase(byte[] value) {
        return new String(value, java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] copy(ByteBuf raw) {
        byte[] bytes = new byte[raw.readableBytes()];
        raw.getBytes(raw.readerIndex(), bytes);
        return bytes;
    }

    private static byte[] copyAndRelease(ByteBuf buf) {
        try {
            return copy(buf);
        } finally {
            buf.release();
        }
    }

    /** A test transform config: Kafka only, the same stateless transform for every connection. */
    interface KafkaOnly extends TransformConfig {
        Transform transform();

        @Override
        default TransformBuilder builder(BuildContext context) {
            Transform transform = transform();
            return ctx -> transform;
        }

        @Override
        default UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.KAFKA);
        }
    }
}
