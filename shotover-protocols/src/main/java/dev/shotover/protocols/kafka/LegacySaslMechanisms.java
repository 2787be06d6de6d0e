package dev.shotover.protocols.kafka;

/**
 * How many tokens a client sends in the legacy SASL flow (after SaslHandshake v0), per mechanism. The flow has no
 * headers and no end marker: only the mechanism tells where the tokens stop and Kafka requests start again, so the
 * proxy counts them, as Shotover does.
 *
 * <ul>
 *   <li>{@code PLAIN}: one token ({@code authzid NUL user NUL password}); the broker answers with an empty one.</li>
 *   <li>{@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}: two (client-first, client-final), each answered.</li>
 *   <li>{@code OAUTHBEARER}: one. When the broker rejects it, it answers with an error challenge and the client
 *       acknowledges with a single byte ({@code 0x01}) before the broker closes; the decoder takes a message too
 *       short to be a Kafka request, right after the flow, as that acknowledgement.</li>
 *   <li>Anything else ({@code GSSAPI}, custom mechanisms): unknown, the number of round trips depends on the
 *       mechanism's state, which the proxy cannot see.</li>
 * </ul>
 *
 * <p>Stateless; safe from any thread.
 */
final class LegacySaslMechanisms {
    /** What {@link #clientTokens} returns for a mechanism whose tokens cannot be counted. */
    static final int UNKNOWN = -1;

    private LegacySaslMechanisms() {
    }

    /** The number of tokens a client sends with {@code mechanism}, or {@link #UNKNOWN}. */
    static int clientTokens(String mechanism) {
        if (mechanism == null) {
            return UNKNOWN;
        }
        return switch (mechanism) {
            case "PLAIN", "OAUTHBEARER" -> 1;
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> 2;
            default -> UNKNOWN;
        };
    }
}
