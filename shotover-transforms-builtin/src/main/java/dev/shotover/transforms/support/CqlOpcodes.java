package dev.shotover.transforms.support;

/** The names of CQL opcodes, as the protocol specification spells them, for metrics and logs. Stateless. */
public final class CqlOpcodes {
    private static final String[] NAMES = {
        "ERROR", "STARTUP", "READY", "AUTHENTICATE", "CREDENTIALS", "OPTIONS", "SUPPORTED", "QUERY", "RESULT",
        "PREPARE", "EXECUTE", "REGISTER", "EVENT", "BATCH", "AUTH_CHALLENGE", "AUTH_RESPONSE", "AUTH_SUCCESS",
    };

    private CqlOpcodes() {
    }

    /**
     * {@return the name of an opcode, e.g. {@code EXECUTE}, or {@code unknown}}
     *
     * @param opcode the opcode byte
     */
    public static String name(int opcode) {
        return opcode >= 0 && opcode < NAMES.length ? NAMES[opcode] : "unknown";
    }
}
