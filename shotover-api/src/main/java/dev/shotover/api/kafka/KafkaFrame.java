package dev.shotover.api.kafka;

import dev.shotover.api.Frame;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A Kafka request or response, with its header and its body as the message class of {@code kafka-clients}
 * ({@code org.apache.kafka.common.message.*Data}, e.g. {@code MetadataResponseData}). Two more variants exist:
 * {@link NoResponse}, the stand-in for an answer the broker never sends, and {@link SaslToken}, a header-less token
 * of the legacy SASL flow.
 *
 * <p>Obtain one with {@code message.frame(KafkaFrame.class)} (or {@code KafkaFrame.Request.class} /
 * {@code KafkaFrame.Response.class}); the bytes are decoded on that first call only. Responses are decoded with the
 * API key and version of their request, which the sink that sent the request remembered.
 *
 * <p><b>Mutable bodies.</b> Unlike other frames, Kafka bodies are the mutable objects of {@code kafka-clients}. Change
 * them in place and then call {@link dev.shotover.api.Message#invalidateCache()} so that the message is re-encoded
 * (or build a new frame and call {@link dev.shotover.api.Message#setFrame}). A copy made with
 * {@link dev.shotover.api.Message#copyWithNewId()} shares the parsed body: {@code duplicate()} it before changing one
 * of the two.
 *
 * <p><b>Records.</b> Record data in Produce requests and Fetch responses is kept as the undecoded record batches
 * ({@code MemoryRecords} over a private copy of the message bytes), so decoding a Fetch response does not decode or
 * decompress its records.
 *
 * <p><b>Threading.</b> Not thread-safe (the body is mutable); it belongs to the message's event loop.
 *
 * <p><b>Dependency.</b> This package needs {@code org.apache.kafka:kafka-clients} on the classpath. It is an optional
 * dependency of {@code shotover-api}: a transform that uses Kafka frames declares it itself (the Shotover runtime
 * always has it).
 */
public sealed interface KafkaFrame extends Frame
        permits KafkaFrame.Request, KafkaFrame.Response, KafkaFrame.NoResponse, KafkaFrame.SaslToken {

    /** {@return the API of this message (for a response: of its request)} */
    ApiKeys apiKey();

    /**
     * {@return the API version (for a response: the version of its request, which is the version it is encoded with)}
     */
    short apiVersion();

    /** {@return the correlation id the client chose for the request; its response carries the same one} */
    int correlationId();

    @Override
    default Protocol protocol() {
        return Protocol.KAFKA;
    }

    /** The classification of the API; see {@link KafkaQueryTypes}. */
    @Override
    default QueryType queryType() {
        return KafkaQueryTypes.of(apiKey());
    }

    /**
     * {@return the body cast to its message class, e.g. {@code frame.body(MetadataResponseData.class)}}
     *
     * @param type the message class
     * @param <T>  the message class
     * @throws IllegalStateException if the body is not of that class (or this is a {@link NoResponse} or a
     *                               {@link SaslToken})
     */
    default <T extends ApiMessage> T body(Class<T> type) {
        ApiMessage body = this instanceof Request request ? request.body()
                : this instanceof Response response ? response.body() : null;
        if (!type.isInstance(body)) {
            throw new IllegalStateException("this " + apiKey().name + " frame has no " + type.getSimpleName() + " body");
        }
        return type.cast(body);
    }

    /**
     * A request from a client.
     *
     * @param header api key, version, correlation id and client id, as {@code kafka-clients} reads them (its header
     *               version decides whether tagged fields follow)
     * @param body   the request message, e.g. {@code ProduceRequestData}
     */
    record Request(RequestHeader header, ApiMessage body) implements KafkaFrame {
        /**
         * Checks that the body belongs to the header's API.
         *
         * @param header api key, version, correlation id and client id
         * @param body   the request message
         */
        public Request {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(body, "body");
            if (body.apiKey() != header.apiKey().id) {
                throw new IllegalArgumentException("a " + body.getClass().getSimpleName() + " body cannot go in a "
                        + header.apiKey().name + " request");
            }
        }

        /**
         * {@return a request built by a transform, with the header version the API version calls for}
         *
         * @param body          the request message; decides the API
         * @param apiVersion    the version to encode it with
         * @param clientId      the client id of the header, or null
         * @param correlationId the correlation id its response will carry
         */
        public static Request of(ApiMessage body, short apiVersion, String clientId, int correlationId) {
            ApiKeys apiKey = ApiKeys.forId(body.apiKey());
            return new Request(new RequestHeader(apiKey, apiVersion, clientId, correlationId), body);
        }

        @Override
        public ApiKeys apiKey() {
            return header.apiKey();
        }

        @Override
        public short apiVersion() {
            return header.apiVersion();
        }

        @Override
        public int correlationId() {
            return header.correlationId();
        }

        /** {@return false for the one request a broker never answers: Produce with {@code acks=0}} */
        public boolean expectsResponse() {
            return !(body instanceof ProduceRequestData produce && produce.acks() == 0);
        }
    }

    /**
     * A response from a broker.
     *
     * @param apiKey     the API of the request it answers
     * @param apiVersion the version it is encoded with: the request's, except for an {@code ApiVersions} response
     *                   that the broker sent as version 0 because it did not support the requested version
     * @param header     the correlation id (and tagged fields for flexible versions)
     * @param body       the response message, e.g. {@code MetadataResponseData}
     */
    record Response(ApiKeys apiKey, short apiVersion, ResponseHeader header, ApiMessage body) implements KafkaFrame {
        /**
         * Checks that the body belongs to {@code apiKey}.
         *
         * @param apiKey     the API of the request it answers
         * @param apiVersion the version it is encoded with
         * @param header     the correlation id (and tagged fields)
         * @param body       the response message
         */
        public Response {
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(body, "body");
            if (body.apiKey() != apiKey.id) {
                throw new IllegalArgumentException("a " + body.getClass().getSimpleName() + " body cannot go in a "
                        + apiKey.name + " response");
            }
        }

        /**
         * {@return a response to {@code request}, generated by a transform: same API, version and correlation id}
         *
         * @param request the request it answers
         * @param body    the response message, of the request's API
         */
        public static Response to(Request request, ApiMessage body) {
            return new Response(request.apiKey(), request.apiVersion(), request.header().toResponseHeader(), body);
        }

        @Override
        public int correlationId() {
            return header.correlationId();
        }
    }

    /**
     * Stands in for the response to a request the broker never answers: a Produce with {@code acks=0}, or a legacy
     * {@link SaslToken} that the broker rejected by closing the connection (the legacy flow has no error message).
     * Sinks return it so that every request still has a response in the chain; the source writes nothing for it.
     *
     * <p>A failed {@code acks=0} Produce can not be answered either, so a broker closes the connection instead, which
     * is how the client learns of the failure. {@link #failed} makes the stand-in do the same: the source writes what
     * came before it, then closes the connection.
     *
     * @param apiKey          the API of the request
     * @param apiVersion      the version of the request
     * @param correlationId   the correlation id of the request
     * @param closeConnection true when the request failed: the client connection closes, as a broker closes it
     */
    record NoResponse(ApiKeys apiKey, short apiVersion, int correlationId, boolean closeConnection)
            implements KafkaFrame {
        /**
         * Checks that the API is given.
         *
         * @param apiKey          the API of the request
         * @param apiVersion      the version of the request
         * @param correlationId   the correlation id of the request
         * @param closeConnection true when the request failed
         */
        public NoResponse {
            Objects.requireNonNull(apiKey, "apiKey");
        }

        /**
         * The stand-in for a request that succeeded (or whose outcome the broker reports by closing on its own).
         *
         * @param apiKey        the API of the request
         * @param apiVersion    the version of the request
         * @param correlationId the correlation id of the request
         */
        public NoResponse(ApiKeys apiKey, short apiVersion, int correlationId) {
            this(apiKey, apiVersion, correlationId, false);
        }

        /**
         * {@return the placeholder answer to {@code request}}
         *
         * @param request a request the broker will not answer
         */
        public static NoResponse to(Request request) {
            return new NoResponse(request.apiKey(), request.apiVersion(), request.correlationId());
        }

        /**
         * {@return the placeholder answer to a request that failed and can not be answered: the connection closes}
         *
         * @param request a request that expects no response ({@code acks=0} Produce)
         */
        public static NoResponse failed(Request request) {
            return new NoResponse(request.apiKey(), request.apiVersion(), request.correlationId(), true);
        }
    }

    /**
     * One token of the legacy SASL flow, in either direction. A client that sends SaslHandshake <b>v0</b> (KIP-43)
     * then exchanges the mechanism's tokens with the broker as bare byte strings behind a 4-byte size, without any
     * Kafka header; since KIP-152 (Kafka 1.0), v1 clients wrap the same tokens in SaslAuthenticate requests instead.
     * Kafka 4.x brokers still accept v0 (KIP-896 kept it for kafka-python and Sarama).
     *
     * <p>The codec knows which messages are tokens (it follows the handshake) and hands them out already decoded.
     * As a token is the payload SaslAuthenticate carries today, it reports that API, so {@code QueryTypeFilter} and
     * {@code QueryCounter} treat it like one; it has no version ({@link #NO_VERSION}) and no correlation id
     * ({@link #NO_CORRELATION_ID}). A broker rejects a token by closing the connection, so there is no error
     * response to one.
     *
     * <p>{@link #toString()} gives only the length: a PLAIN token holds the password.
     *
     * @param token the token's bytes (without the size prefix); copied in and out, so the frame is immutable
     */
    record SaslToken(byte[] token) implements KafkaFrame {
        /** The {@link #apiVersion()} of every token: tokens are not versioned. */
        public static final short NO_VERSION = -1;
        /** The {@link #correlationId()} of every token: tokens carry none. */
        public static final int NO_CORRELATION_ID = -1;

        /**
         * Copies the token.
         *
         * @param token the token's bytes, without the size prefix
         */
        public SaslToken {
            token = Objects.requireNonNull(token, "token").clone();
        }

        /** {@return a copy of the token's bytes} */
        @Override
        public byte[] token() {
            return token.clone();
        }

        /** {@return the token's length in bytes} */
        public int length() {
            return token.length;
        }

        /** {@return {@code SaslAuthenticate}, the API that carries the same tokens in the current flow} */
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.SASL_AUTHENTICATE;
        }

        /** {@return {@link #NO_VERSION}} */
        @Override
        public short apiVersion() {
            return NO_VERSION;
        }

        /** {@return {@link #NO_CORRELATION_ID}} */
        @Override
        public int correlationId() {
            return NO_CORRELATION_ID;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SaslToken that && Arrays.equals(token, that.token);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(token);
        }

        @Override
        public String toString() {
            return "SaslToken[" + token.length + " bytes]";
        }
    }
}
