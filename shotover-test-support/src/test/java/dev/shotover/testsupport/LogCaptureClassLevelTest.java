package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** A static registration captures from {@code @BeforeAll} on and keeps events across tests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogCaptureClassLevelTest {

    @RegisterExtension
    static LogCapture logs = new LogCapture();

    @BeforeAll
    static void setUp() {
        LoggerFactory.getLogger(LogCaptureClassLevelTest.class).warn("warning during class setup");
    }

    @Test
    @Order(1)
    void seesTheSetupWarning() {
        assertThat(logs.warnAndErrorMessages()).containsExactly("warning during class setup");
        LoggerFactory.getLogger(LogCaptureClassLevelTest.class).warn("from the first test");
    }

    @Test
    @Order(2)
    void keepsEventsOfEarlierTestsAndInjectsItself(LogCapture injected) {
        assertThat(injected).isSameAs(logs);
        assertThat(logs.warnAndErrorMessages()).containsExactly("warning during class setup", "from the first test");
    }
}
