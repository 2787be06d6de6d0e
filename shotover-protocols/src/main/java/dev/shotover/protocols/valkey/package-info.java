/**
 * The RESP codec for Valkey and Redis: RESP2 and RESP3, requests and replies.
 *
 * <ul>
 *   <li>{@link dev.shotover.protocols.valkey.RespScanner} finds message boundaries without building objects and
 *       resumes where it stopped when a message arrives in pieces, so framing is linear in the bytes received.</li>
 *   <li>{@link dev.shotover.protocols.valkey.ValkeyMessageDecoder} turns each complete message into a lazy
 *       {@link dev.shotover.api.Message} holding a retained slice of the received bytes.</li>
 *   <li>{@link dev.shotover.protocols.valkey.RespFrameParser} builds the
 *       {@link dev.shotover.api.valkey.ValkeyFrame} only when a transform asks for it.</li>
 *   <li>{@link dev.shotover.protocols.valkey.ValkeyMessageEncoder} writes unmodified messages as their original
 *       bytes and encodes the others with {@link dev.shotover.protocols.valkey.RespEncoder}.</li>
 *   <li>{@link dev.shotover.protocols.valkey.RespMessageKind} tells pushes and errors apart from one raw byte.</li>
 *   <li>{@link dev.shotover.protocols.valkey.RespPeek} reads a message's element count and first element (a
 *       command name, a pub/sub reply kind) in place, without parsing.</li>
 *   <li>{@link dev.shotover.protocols.valkey.ValkeyReplyPairing} follows one backend connection's subscriptions and
 *       protocol version to tell which replies answer a request and which arrived on their own (pub/sub messages,
 *       the further confirmations of a multi-channel SUBSCRIBE, RESP3 pushes).</li>
 * </ul>
 *
 * <p>An attribute ({@code |}) and the reply that follows it are one message. Inline commands (plain text lines) are
 * rejected, as Shotover does. Malformed input raises {@link dev.shotover.protocols.valkey.RespDecodeException}
 * ({@code "Error decoding valkey frame: ..."}) and the connection should be closed. Limits (bulk length, nesting,
 * line length) are in {@link dev.shotover.protocols.valkey.RespLimits}; defaults follow Redis.
 */
package dev.shotover.protocols.valkey;
