package dev.shotover.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.LoggerFactory;

/**
 * Captures Logback events in the test JVM, for tests that embed the proxy, and asserts that nothing unexpected was
 * logged at WARN or ERROR and that Netty reported no leaked buffers.
 *
 * <p><b>Registration.</b>
 * <ul>
 *   <li>{@code @RegisterExtension static LogCapture logs = new LogCapture();} captures from before {@code @BeforeAll}
 *       to after {@code @AfterAll}, across all tests of the class, so warnings logged while a shared proxy starts
 *       are kept. Call {@link #clear()} to start afresh.</li>
 *   <li>{@code @RegisterExtension LogCapture logs = new LogCapture();} (instance field) captures each test
 *       separately, starting empty.</li>
 *   <li>{@code @ExtendWith(LogCapture.class)} on the class behaves like the static field; the instance is injected
 *       into test and lifecycle methods that declare a {@code LogCapture} parameter.</li>
 *   <li>Outside JUnit: {@link #attach()} and {@link #detach()}.</li>
 * </ul>
 * The appender sits on the root logger, so it sees every event that passes the logger levels of the current
 * configuration (WARN and ERROR always do unless a logger is switched off) and that is not cut off by a logger with
 * {@code additivity="false"}. The root logger is global: tests running in parallel in one JVM see each other's
 * events.
 *
 * <p><b>Threading.</b> Thread-safe: events arrive from event loops and other threads while the test thread reads
 * snapshots and waits in {@link #awaitMessage}.
 */
public final class LogCapture
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Logger of Netty's leak reports; events from it always fail {@link #assertNoUnexpectedWarnOrError}. */
    public static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";

    private final Object lock = new Object();
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final CapturingAppender appender = new CapturingAppender();
    private boolean attachedForClass;
    private boolean attachedForTest;

    /** Creates a capture that is not yet attached; JUnit attaches it, or call {@link #attach()}. */
    public LogCapture() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        attach();
        attachedForClass = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        attachedForClass = false;
        detach();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!attachedForClass) {
            clear();
            attach();
            attachedForTest = true;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (attachedForTest) {
            attachedForTest = false;
            detach();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == LogCapture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return this;
    }

    /** Starts capturing: adds the appender to the root logger. Idempotent. */
    public void attach() {
        Logger root = rootLogger();
        synchronized (lock) {
            if (!appender.isStarted()) {
                appender.setContext(root.getLoggerContext());
                appender.setName("shotover-test-log-capture-" + System.identityHashCode(this));
                appender.start();
                root.addAppender(appender);
            }
        }
    }

    /** Stops capturing: removes the appender from the root logger. The events captured so far are kept. */
    public void detach() {
        Logger root = rootLogger();
        synchronized (lock) {
            root.detachAppender(appender);
            appender.stop();
        }
    }

    private static Logger rootLogger() {
        Object factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("LogCapture needs Logback as the SLF4J backend, but SLF4J is bound to "
                    + factory.getClass().getName());
        }
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Snapshot of all captured events, oldest first. */
    public List<ILoggingEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The formatted messages of the captured WARN and ERROR events, oldest first. */
    public List<String> warnAndErrorMessages() {
        List<String> messages = new ArrayList<>();
        for (ILoggingEvent event : events()) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                messages.add(event.getFormattedMessage());
            }
        }
        return messages;
    }

    /** Forgets all captured events. */
    public void clear() {
        synchronized (lock) {
            events.clear();
        }
    }

    /**
     * Fails if a captured WARN or ERROR event contains none of {@code allowedSubstrings}, or if Netty reported a leak
     * (logger {@value #LEAK_LOGGER}, or {@code LEAK:} in the message), which no substring can allow. A substring is
     * looked for in {@code "<LEVEL> [<thread>] <logger>: <message>"} followed by the class and message of the
     * exception and its causes, if any, so a logger name also works.
     *
     * @throws AssertionError listing every offending event
     */
    public void assertNoUnexpectedWarnOrError(String... allowedSubstrings) {
        LeakDetection.provokeReports();
        List<String> unexpected = new ArrayList<>();
        for (ILoggingEvent event : events()) {
            String text = describe(event);
            if (isLeakReport(event)) {
                unexpected.add(text);
            } else if (event.getLevel().isGreaterOrEqual(Level.WARN) && !containsAny(text, allowedSubstrings)) {
                unexpected.add(text);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError(unexpected.size() + " unexpected WARN/ERROR/LEAK log event(s)"
                    + (allowedSubstrings.length == 0 ? "" : " (allowed: " + List.of(allowedSubstrings) + ")") + ":\n  "
                    + String.join("\n  ", unexpected));
        }
    }

    /**
     * Waits until an event whose formatted message contains {@code substring} has been captured (also one captured
     * before this call) and returns it.
     *
     * @throws AssertionError on timeout, listing the captured messages
     */
    public ILoggingEvent awaitMessage(String substring, Duration timeout) {
        return await(event -> event.getFormattedMessage().contains(substring), "containing '" + substring + "'",
                timeout);
    }

    private ILoggingEvent await(Predicate<ILoggingEvent> matcher, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0;
        synchronized (lock) {
            while (true) {
                for (; scanned < events.size(); scanned++) {
                    if (matcher.test(events.get(scanned))) {
                        return events.get(scanned);
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for a log message " + what, e);
                }
            }
        }
        StringBuilder seen = new StringBuilder();
        for (ILoggingEvent event : events()) {
            seen.append("\n  ").append(describe(event));
        }
        throw new AssertionError("No log message " + what + " within " + timeout.toMillis() + " ms. Captured:"
                + (seen.length() == 0 ? " nothing" : seen));
    }

    private static boolean isLeakReport(ILoggingEvent event) {
        return event.getLoggerName().startsWith(LEAK_LOGGER)
                || String.valueOf(event.getFormattedMessage()).contains(ProxyProcess.LEAK_MARKER);
    }

    private static String describe(ILoggingEvent event) {
        StringBuilder text = new StringBuilder()
                .append(event.getLevel()).append(" [").append(event.getThreadName()).append("] ")
                .append(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    private static boolean containsAny(String text, String... substrings) {
        for (String allowed : substrings) {
            if (text.contains(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Appends to the enclosing capture's list; called concurrently by any logging thread. */
    private final class CapturingAppender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            // Freeze the formatted message, MDC and thread name now: the event object may be reused or mutated.
            event.prepareForDeferredProcessing();
            synchronized (lock) {
                events.add(event);
                lock.notifyAll();
            }
        }
    }
}
