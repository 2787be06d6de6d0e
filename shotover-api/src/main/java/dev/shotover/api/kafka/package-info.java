/**
 * The Kafka frame model for transforms.
 *
 * <ul>
 *   <li>{@link dev.shotover.api.kafka.KafkaFrame}: a request or response whose body is a {@code kafka-clients}
 *       message class, decoded only when a transform asks ({@code message.frame(KafkaFrame.class)});</li>
 *   <li>{@link dev.shotover.api.kafka.KafkaMessages}: API key, version, correlation id and {@code acks} read from
 *       the raw bytes, for transforms that route or count without decoding;</li>
 *   <li>{@link dev.shotover.api.kafka.KafkaRecords} and {@link dev.shotover.api.kafka.KafkaRecord}: the records of
 *       Produce requests and Fetch responses, read and rewritten with their batches' compression kept;</li>
 *   <li>{@link dev.shotover.api.kafka.KafkaQueryTypes}: the {@link dev.shotover.api.QueryType} of each API;</li>
 *   <li>{@link dev.shotover.api.kafka.KafkaErrorResponses}: protocol-native error responses (behind
 *       {@link dev.shotover.api.Message#errorResponse}).</li>
 * </ul>
 *
 * <p>This package needs {@code org.apache.kafka:kafka-clients} (an optional dependency of {@code shotover-api}).
 */
package dev.shotover.api.kafka;
