package dev.shotover.api;

/**
 * Why a transform answers a request with an error instead of the backend's response. It decides the
 * protocol-native error: for Valkey all become {@code -ERR <text>}; for Cassandra {@code INTERNAL} is a
 * server error, {@code REJECTED} an invalid-query error and {@code OVERLOADED} an overloaded error.
 */
public enum ErrorKind {
    /** Something failed inside the proxy or a backend connection. */
    INTERNAL,
    /** The proxy refused the request on purpose (filtered, throttled, not allowed). */
    REJECTED,
    /** The proxy shed the request because a rate or capacity limit was reached; the client may retry later. */
    OVERLOADED
}
