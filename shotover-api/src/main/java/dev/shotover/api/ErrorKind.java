package dev.shotover.api;

/**
 * Why a transform answers a request with an error instead of the backend's response. It decides the
 * protocol-native error: for Valkey both become {@code -ERR <text>}; for Cassandra {@code INTERNAL} is a
 * server error and {@code REJECTED} an invalid-query error.
 */
public enum ErrorKind {
    /** Something failed inside the proxy or a backend connection. */
    INTERNAL,
    /** The proxy refused the request on purpose (filtered, throttled, not allowed). */
    REJECTED
}
