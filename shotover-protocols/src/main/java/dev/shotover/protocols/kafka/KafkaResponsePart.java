package dev.shotover.protocols.kafka;

import io.netty.buffer.ByteBuf;

/**
 * What has arrived so far of a large Fetch response, emitted by a response decoder made with
 * {@link KafkaCodecs#sink(boolean)} before the response is complete, so that a sink can write it on to the client
 * while the rest is still arriving. The complete response follows as a message, as without streaming.
 *
 * <p>Emitted once per socket read event (not per read) while the response is incomplete; each part holds every
 * byte received so far, size prefix included, so a part supersedes the previous one.
 *
 * @param correlationId the response's correlation id (that of the oldest request waiting)
 * @param length        the whole response's length, size prefix included
 * @param first         whether this is the first part of this response
 * @param received      a retained slice of the bytes received so far, which the receiver owns and must release
 */
public record KafkaResponsePart(int correlationId, int length, boolean first, ByteBuf received) {
}
