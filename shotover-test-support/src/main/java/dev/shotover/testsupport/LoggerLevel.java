package dev.shotover.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Sets one Logback logger's level for a test class and puts the level it had back afterwards, e.g. to keep
 * kafka-clients, which log every configuration at INFO, out of the test output.
 *
 * <p>As {@code @RegisterExtension static final LoggerLevel kafka = new LoggerLevel("org.apache.kafka", Level.WARN);}
 * the level holds from before {@code @BeforeAll} to after {@code @AfterAll}. Outside JUnit (a fixture that starts
 * brokers): {@link #set()} and {@link #close()}, e.g. in try-with-resources.
 */
public final class LoggerLevel implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private final Logger logger;
    private final Level level;
    private Level previous;
    private boolean set;

    /** A level for {@code loggerName}, not yet set. */
    public LoggerLevel(String loggerName, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.level = level;
    }

    /** Sets the level, remembering the logger's own (null when it inherits one); returns this. */
    public synchronized LoggerLevel set() {
        if (!set) {
            previous = logger.getLevel();
            logger.setLevel(level);
            set = true;
        }
        return this;
    }

    /** Puts the logger's own level back; does nothing unless {@link #set()} was called. */
    @Override
    public synchronized void close() {
        if (set) {
            logger.setLevel(previous);
            set = false;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        set();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
