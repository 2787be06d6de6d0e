package dev.shotover.protocols.kafka;

import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Decodes and encodes whole Kafka messages (size prefix, header, body) with the message classes of
 * {@code kafka-clients}, which cover every API key and version that library knows, flexible versions and tagged
 * fields included. Unknown tagged fields are kept and written back, so decode → encode gives back the original
 * bytes.
 *
 * <p><b>Buffers.</b> Decoding never changes the reader index of {@code raw} and never releases it.
 * {@link #decodeRequest} and {@link #decodeResponse} copy the message into a private array first, because the
 * frame (its record batches in particular) outlives the network buffer. {@link #viewResponse} does not copy: its
 * frame reads the buffer's memory and is valid only while the caller holds {@code raw} unchanged.
 * {@link #skimResponse} neither copies nor keeps the buffer, and leaves record sets out.
 * {@link #encode} returns a new buffer owned by the caller.
 *
 * <p>Tokens of the legacy SASL flow (after a SaslHandshake v0) are not Kafka messages: only the size prefix frames
 * them. {@link #decodeSaslToken} and {@link #encode} handle them; the decoders know when to use them.
 *
 * <p>Stateless; safe from any thread.
 */
public final class KafkaFrameCodec {
    private KafkaFrameCodec() {
    }

    /** Decodes a request; {@code raw} holds one whole message, size prefix included. */
    public static KafkaFrame.Request decodeRequest(ByteBuf raw) {
        ByteBuffer buffer = payload(raw, KafkaMessages.MIN_REQUEST_LENGTH, true);
        short apiKeyId = buffer.getShort(buffer.position());
        short version = buffer.getShort(buffer.position() + 2);
        ApiKeys apiKey = knownApiKey(apiKeyId, version);
        short headerVersion = apiKey.requestHeaderVersion(version);
        ByteBufferAccessor readable = new ByteBufferAccessor(buffer);
        RequestHeaderData header;
        ApiMessage body;
        try {
            // read the header data directly (not RequestHeader.parse) so that a null client id stays null
            header = new RequestHeaderData(readable, headerVersion);
            body = ApiMessageType.fromApiKey(apiKeyId).newRequest();
            body.read(readable, version);
        } catch (RuntimeException e) {
            throw new KafkaDecodeException("invalid " + apiKey.name + " v" + version + " request: " + e.getMessage(), e);
        }
        requireFullyRead(buffer, apiKey, version, "request");
        return new KafkaFrame.Request(new RequestHeader(header, headerVersion), body);
    }

    /**
     * Decodes a response to a request of {@code apiKey} at {@code version}. An {@code ApiVersions} response that
     * does not decode at that version is tried as version 0: a broker answers an ApiVersions version it does not
     * support with a v0 response.
     */
    public static KafkaFrame.Response decodeResponse(ByteBuf raw, ApiKeys apiKey, short version) {
        return response(raw, apiKey, version, true);
    }

    /**
     * Like {@link #decodeResponse} but without copying: the frame reads {@code raw}'s memory, so it must not be used
     * after {@code raw} is released or changed. For a quick look at a response that will usually not be changed
     * (decode it properly, through the message, to change it).
     */
    public static KafkaFrame.Response viewResponse(ByteBuf raw, ApiKeys apiKey, short version) {
        return response(raw, apiKey, version, false);
    }

    /**
     * Decodes a response in place, leaving its record sets out (read as empty): for a look at the other fields of a
     * Fetch or Produce response. Neither copies nor views the records, so it costs the same whether {@code raw} is
     * one buffer or a composite of many reads, where {@link #viewResponse} would have to copy the whole message.
     * The frame holds no reference to {@code raw}.
     */
    public static KafkaFrame.Response skimResponse(ByteBuf raw, ApiKeys apiKey, short version) {
        if (!apiKey.isVersionSupported(version)) {
            throw new KafkaDecodeException("unsupported " + apiKey.name + " response version " + version
                    + " (kafka-clients knows " + apiKey.oldestVersion() + " to " + apiKey.latestVersion() + ")");
        }
        int length = raw.readableBytes();
        if (length < KafkaMessages.MIN_RESPONSE_LENGTH) {
            throw new KafkaDecodeException("a message of " + length + " bytes is shorter than its header");
        }
        int payloadLength = length - KafkaMessages.SIZE_PREFIX_LENGTH;
        int declared = raw.getInt(raw.readerIndex());
        if (declared != payloadLength) {
            throw new KafkaDecodeException("size prefix says " + declared + " bytes but the message has "
                    + payloadLength);
        }
        RecordSkippingReadable readable = new RecordSkippingReadable(
                raw.slice(raw.readerIndex() + KafkaMessages.SIZE_PREFIX_LENGTH, payloadLength));
        KafkaFrame.Response response = readResponse(readable, apiKey, version);
        if (readable.remaining() > 0) {
            throw new KafkaDecodeException(readable.remaining() + " unexpected bytes after the " + apiKey.name + " v"
                    + version + " response");
        }
        return response;
    }

    private static KafkaFrame.Response response(ByteBuf raw, ApiKeys apiKey, short version, boolean copy) {
        if (apiKey == ApiKeys.API_VERSIONS && version > apiKey.latestVersion()) {
            // a broker answers an ApiVersions version it does not know with v0, and neither do we know it
            return response(raw, apiKey, (short) 0, copy);
        }
        if (!apiKey.isVersionSupported(version)) {
            throw new KafkaDecodeException("unsupported " + apiKey.name + " response version " + version
                    + " (kafka-clients knows " + apiKey.oldestVersion() + " to " + apiKey.latestVersion() + ")");
        }
        ByteBuffer buffer = payload(raw, KafkaMessages.MIN_RESPONSE_LENGTH, copy);
        try {
            return response(buffer.duplicate(), apiKey, version);
        } catch (KafkaDecodeException e) {
            if (apiKey == ApiKeys.API_VERSIONS && version != 0) {
                try {
                    return response(buffer.duplicate(), apiKey, (short) 0);
                } catch (KafkaDecodeException ignored) {
                    // report the failure at the version the client asked for
                }
            }
            throw e;
        }
    }

    private static KafkaFrame.Response response(ByteBuffer buffer, ApiKeys apiKey, short version) {
        KafkaFrame.Response response = readResponse(new ByteBufferAccessor(buffer), apiKey, version);
        requireFullyRead(buffer, apiKey, version, "response");
        return response;
    }

    /** Reads a response's header and body; the caller checks that nothing follows. */
    private static KafkaFrame.Response readResponse(Readable readable, ApiKeys apiKey, short version) {
        short headerVersion = apiKey.responseHeaderVersion(version);
        ResponseHeaderData header;
        ApiMessage body;
        try {
            header = new ResponseHeaderData(readable, headerVersion);
            body = ApiMessageType.fromApiKey(apiKey.id).newResponse();
            body.read(readable, version);
        } catch (RuntimeException e) {
            throw new KafkaDecodeException("invalid " + apiKey.name + " v" + version + " response: " + e.getMessage(), e);
        }
        return new KafkaFrame.Response(apiKey, version, new ResponseHeader(header, headerVersion), body);
    }

    /**
     * Decodes a token of the legacy SASL flow: the bytes after the size prefix, copied. Any length is valid, even 0
     * (a PLAIN broker answers a good password with an empty token).
     */
    public static KafkaFrame.SaslToken decodeSaslToken(ByteBuf raw) {
        ByteBuffer payload = payload(raw, KafkaMessages.SIZE_PREFIX_LENGTH, true);
        return new KafkaFrame.SaslToken(payload.array());
    }

    /**
     * Encodes a request, response or legacy SASL token, size prefix included, into a new buffer from {@code alloc}.
     *
     * @throws IllegalArgumentException for a {@link KafkaFrame.NoResponse}, which has no bytes
     */
    public static ByteBuf encode(KafkaFrame frame, ByteBufAllocator alloc) {
        if (frame instanceof KafkaFrame.SaslToken token) {
            byte[] bytes = token.token();
            return alloc.buffer(KafkaMessages.SIZE_PREFIX_LENGTH + bytes.length).writeInt(bytes.length)
                    .writeBytes(bytes);
        }
        Message header;
        short headerVersion;
        ApiMessage body;
        if (frame instanceof KafkaFrame.Request request) {
            header = request.header().data();
            headerVersion = request.header().headerVersion();
            body = request.body();
        } else if (frame instanceof KafkaFrame.Response response) {
            header = response.header().data();
            headerVersion = response.header().headerVersion();
            body = response.body();
        } else {
            throw new IllegalArgumentException("a " + frame.apiKey().name + " NoResponse frame is never written");
        }
        short version = frame.apiVersion();
        // the cache carries sizes computed here (strings, records) to write(), which requires the same instance
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuf out = alloc.buffer(KafkaMessages.SIZE_PREFIX_LENGTH + size);
        try {
            out.writeInt(size);
            if (out.nioBufferCount() == 1) {
                ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
                write(header, headerVersion, body, version, cache, target);
                out.writerIndex(out.writerIndex() + size);
            } else {
                ByteBuffer target = ByteBuffer.allocate(size);
                write(header, headerVersion, body, version, cache, target);
                out.writeBytes(target.flip());
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static void write(Message header, short headerVersion, ApiMessage body, short version,
                              ObjectSerializationCache cache, ByteBuffer target) {
        ByteBufferAccessor writable = new ByteBufferAccessor(target);
        header.write(writable, cache, headerVersion);
        body.write(writable, cache, version);
        if (target.hasRemaining()) {
            throw new IllegalStateException("encoded " + target.position() + " bytes of a " + target.limit()
                    + "-byte Kafka message");
        }
    }

    /** The message after its size prefix, checked against the prefix; copied when asked. */
    private static ByteBuffer payload(ByteBuf raw, int minimumLength, boolean copy) {
        int length = raw.readableBytes();
        if (length < minimumLength) {
            throw new KafkaDecodeException("a message of " + length + " bytes is shorter than its header");
        }
        int declared = raw.getInt(raw.readerIndex());
        int payloadLength = length - KafkaMessages.SIZE_PREFIX_LENGTH;
        if (declared != payloadLength) {
            throw new KafkaDecodeException("size prefix says " + declared + " bytes but the message has "
                    + payloadLength);
        }
        int start = raw.readerIndex() + KafkaMessages.SIZE_PREFIX_LENGTH;
        if (!copy) {
            return raw.nioBuffer(start, payloadLength);
        }
        byte[] bytes = new byte[payloadLength];
        raw.getBytes(start, bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static ApiKeys knownApiKey(short apiKeyId, short version) {
        if (!ApiKeys.hasId(apiKeyId)) {
            throw new KafkaDecodeException("unknown api key " + apiKeyId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        if (!apiKey.isVersionSupported(version)) {
            throw new KafkaDecodeException("unsupported " + apiKey.name + " request version " + version
                    + " (kafka-clients knows " + apiKey.oldestVersion() + " to " + apiKey.latestVersion() + ")");
        }
        return apiKey;
    }

    private static void requireFullyRead(ByteBuffer buffer, ApiKeys apiKey, short version, String what) {
        if (buffer.hasRemaining()) {
            // re-encoding would silently drop these bytes, so refuse to decode rather than lose them
            throw new KafkaDecodeException(buffer.remaining() + " unexpected bytes after the " + apiKey.name + " v"
                    + version + " " + what);
        }
    }
}
