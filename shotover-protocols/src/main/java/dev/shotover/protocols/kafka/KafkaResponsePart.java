package dev.shotover.protocols.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;

/**
 * What has arrived so far of a large Fetch response, emitted by a response decoder made with
 * {@link KafkaCodecs#sink(boolean)} before the response is complete, so that a sink can write it on to the client
 * while the rest is still arriving. The complete response follows as a message, as without streaming.
 *
 * <p>Emitted once per socket read event (not per read) while the response is incomplete, or after every read when
 * the decoder {@link KafkaMessageDecoder#reportEveryRead reports every read}; each part holds every byte received
 * so far in user space, size prefix included, so a part supersedes the previous one.
 *
 * @param correlationId the response's correlation id (that of the oldest request waiting)
 * @param length        the whole response's length, size prefix included
 * @param first         whether this is the first part of this response
 * @param received      a retained slice of the bytes received so far, which the receiver owns and must release
 * @param bypass        lets the receiver take the next bytes of this response past the decoder (splice); null when
 *                      the decoder does not allow it
 */
public record KafkaResponsePart(int correlationId, int length, boolean first, ByteBuf received, Bypass bypass) {
    public KafkaResponsePart(int correlationId, int length, boolean first, ByteBuf received) {
        this(correlationId, length, first, received, null);
    }

    /** How the receiver of a part tells the decoder that bytes of the response will not reach it. */
    public interface Bypass {
        /**
         * The next {@code length} bytes of the response's stream go elsewhere ({@code splice(2)} to the client, which
         * {@code done} completes): the decoder counts them as received. If {@code done} fails, the decoder discards
         * everything after (the stream's position is lost) and the connection must be closed.
         */
        void bypass(int length, Future<?> done);
    }
}
