package dev.shotover.transforms.debug;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shotover.api.Message;
import dev.shotover.api.Transform;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DebugPrinterTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(DebugPrinter.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopCapturing() {
        logger.detachAppender(appender);
    }

    private static Transform printer() throws Exception {
        return new DebugPrinterConfig(null).builder(TestContexts.build("DebugPrinter", new TestMetrics()))
                .build(TestContexts.connection());
    }

    @Test
    void logsEachRequestAndResponseAtInfoAndPassesThrough() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        Message get = raw(resp("GET", "key1"));
        try {
            List<Message> requests = batch(get, command("SET", "key2", "v"));
            List<Message> responses = printer().transform(down.state(requests)).toCompletableFuture().join();

            assertThat(down.calls()).hasSize(1);
            assertThat(down.calls().get(0)).containsExactly(requests.toArray(new Message[0]));
            assertThat(responses).extracting(Message::requestId).containsExactly(get.id(), requests.get(1).id());

            assertThat(appender.list).allMatch(e -> e.getLevel() == Level.INFO);
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                    m -> assertThat(m).startsWith("Request: Message{Valkey id=" + get.id()).contains("key1"),
                    m -> assertThat(m).startsWith("Request: ").contains("key2"),
                    m -> assertThat(m).startsWith("Response: ").contains("requestId=" + get.id()).contains("echo:GET key1"),
                    m -> assertThat(m).startsWith("Response: ").contains("echo:SET key2 v"));
            // Printing parsed the raw request but did not modify it: it is still written as its original bytes.
            assertThat(get.isModified()).isFalse();
            assertThat(get.rawBytes()).isNotNull();
        } finally {
            get.release();
        }
    }

    @Test
    void unparseableRequestIsStillLoggedAndPassedDown() throws Exception {
        FakeDownChain down = new FakeDownChain(requests -> List.of());
        Message garbage = raw("not resp\r\n");
        try {
            printer().transform(down.state(batch(garbage))).toCompletableFuture().join();

            assertThat(down.calls()).containsExactly(List.of(garbage));
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
                    .asString().startsWith("Request: ").contains("unparseable");
        } finally {
            garbage.release();
        }
    }

    @Test
    void emptyBatchIsPassedDown() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        List<Message> responses = printer().transform(down.state(batch())).toCompletableFuture().join();

        assertThat(down.calls()).containsExactly(List.of());
        assertThat(responses).isEmpty();
        assertThat(appender.list).isEmpty();
    }

    @Test
    void isNotTerminating() {
        assertThat(new DebugPrinterConfig(null).downChainProtocol().isTerminating()).isFalse();
        assertThat(new DebugPrinterFactory().typeName()).isEqualTo("DebugPrinter");
    }
}
