package dev.shotover.proxy;

/** Topology YAML used by the integration tests. Every source listens on port 0 so tests never collide. */
final class Topologies {
    private Topologies() {
    }

    /** Valkey source → ValkeySinkSingle, Shotover's {@code valkey/passthrough} test topology. */
    static String passthrough(int redisPort) {
        return """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - ValkeySinkSingle:
                            name: "valkey-sink"
                            remote_address: "127.0.0.1:%d"
                            connect_timeout_ms: 3000
                """.formatted(redisPort);
    }
}
