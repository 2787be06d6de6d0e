package dev.shotover.api.kafka;

import dev.shotover.api.ErrorKind;
import dev.shotover.api.Message;
import dev.shotover.api.MessageParseException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Kafka's answer to {@link Message#errorResponse}. Kafka has no generic error message: every API has its own
 * response with error codes in it (per partition, per topic, per group...). This builds that response with the
 * error of the whole request set everywhere, the way a broker does when it rejects a request, using
 * {@code kafka-clients}' {@code AbstractRequest.getErrorResponse}:
 * <ul>
 *   <li>{@link ErrorKind#INTERNAL} → {@code UNKNOWN_SERVER_ERROR};</li>
 *   <li>{@link ErrorKind#REJECTED} → {@code POLICY_VIOLATION} (clients report it as a non-retriable
 *       {@code PolicyViolationException});</li>
 *   <li>{@link ErrorKind#OVERLOADED} → {@code THROTTLING_QUOTA_EXCEEDED} (retriable).</li>
 * </ul>
 * The text goes into the error message fields of the APIs that have them (e.g. CreateTopics). A Produce request with
 * {@code acks=0} gets a failed {@link KafkaFrame.NoResponse}: the client expects no answer, so the proxy closes the
 * connection after it, as a broker does when such a produce fails.
 *
 * <p>Stateless; safe from any thread.
 */
public final class KafkaErrorResponses {
    private KafkaErrorResponses() {
    }

    /**
     * {@return the error response to {@code request}, with its request id set}
     *
     * @param request the request to answer
     * @param kind    what kind of failure it reports: {@code REJECTED} becomes {@code POLICY_VIOLATION},
     *                {@code OVERLOADED} {@code THROTTLING_QUOTA_EXCEEDED}, {@code INTERNAL} {@code UNKNOWN_SERVER_ERROR}
     * @param text    the error message, in the APIs' error message fields
     * @throws UnsupportedOperationException if the request cannot be decoded, or its API has no error response, or
     *                                       it is a legacy SASL token ({@link KafkaFrame.SaslToken})
     */
    public static Message errorResponse(Message request, ErrorKind kind, String text) {
        if (KafkaMessages.isSaslToken(request)) {
            throw new UnsupportedOperationException("a legacy SASL token has no error response: a broker rejects one "
                    + "by closing the connection");
        }
        KafkaFrame.Request frame;
        try {
            frame = request.frame(KafkaFrame.Request.class);
        } catch (MessageParseException | IllegalStateException e) {
            throw new UnsupportedOperationException("cannot build a Kafka error response to a request that does not "
                    + "decode: " + e.getMessage(), e);
        }
        return Message.responseTo(request, errorFrame(frame, kind, text));
    }

    /**
     * {@return the error response frame to {@code request}; see the class documentation}
     *
     * @param request the request to answer
     * @param kind    what kind of failure it reports: {@code REJECTED} becomes {@code POLICY_VIOLATION},
     *                {@code OVERLOADED} {@code THROTTLING_QUOTA_EXCEEDED}, {@code INTERNAL} {@code UNKNOWN_SERVER_ERROR}
     * @param text    the error message, in the APIs' error message fields
     */
    public static KafkaFrame errorFrame(KafkaFrame.Request request, ErrorKind kind, String text) {
        ApiException error = switch (kind) {
            case REJECTED -> new PolicyViolationException(text);
            // retriable: the client backs off and tries again, which is what shedding load asks of it
            case OVERLOADED -> new ThrottlingQuotaExceededException(text);
            case INTERNAL -> new UnknownServerException(text);
        };
        AbstractResponse response;
        try {
            // kafka-clients builds error responses from its request wrappers, so wrap a serialized copy of the body
            AbstractRequest parsed = AbstractRequest.parseRequest(request.apiKey(), request.apiVersion(),
                    MessageUtil.toByteBufferAccessor(request.body(), request.apiVersion())).request;
            response = parsed.getErrorResponse(0, error);
        } catch (RuntimeException e) {
            throw new UnsupportedOperationException("kafka-clients has no error response for "
                    + request.apiKey().name + " v" + request.apiVersion() + ": " + e.getMessage(), e);
        }
        if (response == null) {
            // acks=0: no answer is possible, so the connection closes, as the broker closes it on a failed produce
            return KafkaFrame.NoResponse.failed(request);
        }
        return KafkaFrame.Response.to(request, response.data());
    }
}
