package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogCaptureTest {

    private static final Logger LOG = LoggerFactory.getLogger(LogCaptureTest.class);

    @RegisterExtension
    LogCapture logs = new LogCapture();

    @Test
    void capturesWarnAndFailsOnItUnlessAllowed() {
        LOG.info("just information");
        LOG.warn("backend {} is slow", "redis-1");

        assertThat(logs.events()).extracting(e -> e.getLevel()).containsExactly(Level.INFO, Level.WARN);
        assertThat(logs.warnAndErrorMessages()).containsExactly("backend redis-1 is slow");

        assertThatThrownBy(() -> logs.assertNoUnexpectedWarnOrError())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 unexpected")
                .hasMessageContaining("WARN")
                .hasMessageContaining(LogCaptureTest.class.getName())
                .hasMessageContaining("backend redis-1 is slow");
        assertThatThrownBy(() -> logs.assertNoUnexpectedWarnOrError("something else"))
                .isInstanceOf(AssertionError.class);

        assertThatCode(() -> logs.assertNoUnexpectedWarnOrError("is slow")).doesNotThrowAnyException();
        // A logger name works as an allowed substring too.
        assertThatCode(() -> logs.assertNoUnexpectedWarnOrError(LogCaptureTest.class.getName()))
                .doesNotThrowAnyException();
    }

    @Test
    void errorsWithExceptionsAreMatchedOnTheExceptionToo() {
        LOG.error("request failed", new IllegalStateException("connection reset"));

        assertThatThrownBy(() -> logs.assertNoUnexpectedWarnOrError())
                .hasMessageContaining("ERROR")
                .hasMessageContaining("java.lang.IllegalStateException: connection reset");
        assertThatCode(() -> logs.assertNoUnexpectedWarnOrError("connection reset")).doesNotThrowAnyException();
    }

    @Test
    void eachTestStartsEmptyAndInfoAloneIsFine() {
        assertThat(logs.events()).isEmpty();
        LOG.info("fine");
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void nettyLeakReportsAlwaysFail() {
        Logger leakLogger = LoggerFactory.getLogger(LogCapture.LEAK_LOGGER);
        leakLogger.error("LEAK: ByteBuf.release() was not called before it's garbage-collected.");

        assertThatThrownBy(() -> logs.assertNoUnexpectedWarnOrError("LEAK", "ByteBuf", "ResourceLeakDetector"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LEAK: ByteBuf.release()");
    }

    @Test
    void leakMarkerFailsWhateverTheLoggerAndLevel() {
        LoggerFactory.getLogger("some.other.Logger").info("LEAK: something leaked");
        assertThatThrownBy(() -> logs.assertNoUnexpectedWarnOrError("LEAK")).isInstanceOf(AssertionError.class);
    }

    @Test
    void clearForgetsEvents() {
        LOG.warn("old warning");
        logs.clear();
        assertThat(logs.events()).isEmpty();
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void awaitMessageSeesEventsFromOtherThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                int thread = t;
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 250; i++) {
                        LOG.info("event {} from {}", i, thread);
                    }
                    return null;
                });
            }
            pool.submit(() -> {
                Thread.sleep(50);
                LOG.warn("late arrival");
                return null;
            });
            go.countDown();

            assertThat(logs.awaitMessage("late arrival", Duration.ofSeconds(5)).getLevel()).isEqualTo(Level.WARN);
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(logs.events()).hasSize(1001);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void awaitMessageFindsEarlierEventsAndTimesOutWithWhatWasCaptured() {
        LOG.info("already here");
        assertThat(logs.awaitMessage("already", Duration.ZERO).getFormattedMessage()).isEqualTo("already here");

        long start = System.nanoTime();
        assertThatThrownBy(() -> logs.awaitMessage("never logged", Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("never logged")
                .hasMessageContaining("already here");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void detachedCaptureSeesNothingNew() {
        LogCapture manual = new LogCapture();
        manual.attach();
        LOG.warn("seen");
        manual.detach();
        LOG.warn("not seen");
        assertThat(manual.warnAndErrorMessages()).containsExactly("seen");
        // The JUnit-managed capture saw both.
        assertThat(logs.warnAndErrorMessages()).containsExactly("seen", "not seen");
    }
}
