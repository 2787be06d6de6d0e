/**
 * Unit-testing a transform without sockets, threads or the runtime.
 *
 * <ul>
 *   <li>{@link dev.shotover.testkit.TransformTester}: builds the transform from its config as the proxy does and runs
 *       it on given requests; each run is a {@link dev.shotover.testkit.ChainRun} with assertions on what was passed
 *       down and what came back, and a check of the {@link dev.shotover.api.Transform#transform} contract.</li>
 *   <li>{@link dev.shotover.testkit.ScriptedDownChain}: the rest of the chain, scripted (answer by a function, a
 *       tiny in-memory Valkey, fail, or leave calls for the test to answer), recording every batch passed down as a
 *       {@link dev.shotover.testkit.DownChainCall}.</li>
 *   <li>{@link dev.shotover.testkit.TestBuildContext}, {@link dev.shotover.testkit.TestTransformContext},
 *       {@link dev.shotover.testkit.TestMetrics}, {@link dev.shotover.testkit.TestEventLoop}: test doubles of what the
 *       runtime hands a transform, with a virtual clock.</li>
 *   <li>{@link dev.shotover.testkit.ValkeyMessages}: requests from command lines ({@code "SET foo bar"}).</li>
 * </ul>
 *
 * <p>The kit depends on {@code shotover-api} only and reports failures as plain {@link java.lang.AssertionError}s, so
 * it works with JUnit, TestNG or anything else. End-to-end tests through a real backend use
 * {@code dev.shotover.testsupport.ProxyTester} from {@code shotover-test-support}.
 */
package dev.shotover.testkit;
