/**
 * Shotover's observability for the JVM: Prometheus metrics under Shotover's exact names ({@link
 * dev.shotover.runtime.observability.ProxyMetrics}), env_filter-style log filters ({@link
 * dev.shotover.runtime.observability.LogFilter}) applied to Logback at runtime ({@link
 * dev.shotover.runtime.observability.LogLevelControl}), the CLI's stdout logging ({@link
 * dev.shotover.runtime.observability.LoggingSetup}) and the HTTP observability interface ({@link
 * dev.shotover.runtime.observability.ObservabilityServer}: {@code /metrics}, {@code /filter}).
 *
 * <p>Metrics are per proxy instance; log levels are per JVM (they belong to the logging backend). Logback is optional:
 * everything that touches it checks {@link dev.shotover.runtime.observability.LogLevelControl#available()} first.
 */
package dev.shotover.runtime.observability;
