/**
 * Reusable support for tests that run Shotover against real systems.
 *
 * <ul>
 *   <li>{@link dev.shotover.testsupport.RedisServer}: a real Redis server (container, {@code redis-server} child
 *       process, or embedded binary, in that order of preference) on a known 127.0.0.1 port.</li>
 *   <li>{@link dev.shotover.testsupport.ProxyProcess}: the Shotover fat jar run as a child JVM, with its output
 *       captured and checked for unexpected WARN/ERROR lines and Netty leak reports.</li>
 *   <li>{@link dev.shotover.testsupport.LogCapture}: a JUnit 5 extension capturing Logback events for tests that
 *       embed the proxy in the test JVM.</li>
 *   <li>{@link dev.shotover.testsupport.TestCertificates}: a throw-away CA with server and client certificates as
 *       PEM files; {@link dev.shotover.testsupport.TlsRedisServer} serves TLS with them,
 *       {@code RedisCluster.startTls} and {@code KafkaBroker.Builder.tls} do the same for a cluster and a broker.</li>
 *   <li>{@link dev.shotover.testsupport.FreePort}, {@link dev.shotover.testsupport.TestFiles}: small helpers.</li>
 * </ul>
 *
 * <p>A test that needs a backend never skips: when nothing can be started, a
 * {@link dev.shotover.testsupport.StartupException} explains why, and the test fails.
 */
package dev.shotover.testsupport;
