/**
 * The Kafka codec: length-prefixed framing, lazy decoding and encoding with {@code kafka-clients}' message classes.
 *
 * <ul>
 *   <li>{@link dev.shotover.protocols.kafka.KafkaMessageDecoder} cuts the stream at each 4-byte size prefix into
 *       lazy {@link dev.shotover.api.Message}s holding retained slices (nothing is decoded on the passthrough
 *       path); on backend channels it pairs each response with its request through a
 *       {@link dev.shotover.protocols.kafka.KafkaRequestTracker}. It also follows the legacy SASL flow (bare
 *       tokens after a SaslHandshake v0, counted per mechanism by
 *       {@code LegacySaslMechanisms}) and emits its tokens as decoded
 *       {@link dev.shotover.api.kafka.KafkaFrame.SaslToken}s.</li>
 *   <li>{@link dev.shotover.protocols.kafka.KafkaFrameParsers} and
 *       {@link dev.shotover.protocols.kafka.KafkaFrameCodec} decode a message into a
 *       {@link dev.shotover.api.kafka.KafkaFrame} when a transform asks, and encode changed frames.</li>
 *   <li>{@link dev.shotover.protocols.kafka.KafkaMessageEncoder} writes unmodified messages as their original bytes,
 *       writes nothing for the stand-in response to an {@code acks=0} Produce, and on backend channels records
 *       each request that will be answered.</li>
 *   <li>{@link dev.shotover.protocols.kafka.KafkaCodecs} assembles the handlers for client and backend
 *       channels.</li>
 * </ul>
 */
package dev.shotover.protocols.kafka;
