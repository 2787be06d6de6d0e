package dev.shotover.runtime.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private LoggerContext contextWritingToBuffer(LogFormat format, String filter) {
        LoggerContext context = new LoggerContext();
        // SLF4J installs the MDC adapter only in the context it initializes itself.
        context.setMDCAdapter(new LogbackMDCAdapter());
        OutputStreamAppender<ILoggingEvent> target = new OutputStreamAppender<>();
        target.setName("BUFFER");
        target.setOutputStream(buffer);
        LogbackConsole.configure(context, target, format, LogFilter.parse(filter));
        return context;
    }

    private List<String> stopAndReadLines(LoggerContext context) {
        context.stop(); // flushes the async queue
        return Arrays.asList(buffer.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void humanLinesLookLikeShotovers() {
        LoggerContext context = contextWritingToBuffer(LogFormat.HUMAN, "info");
        context.getLogger("dev.shotover.runtime.Runner").info("Shotover is now accepting inbound connections");
        context.getLogger("dev.shotover.runtime.Runner").debug("filtered out");
        context.getLogger("dev.shotover.runtime.Sink").atWarn().addKeyValue("chain", "main")
                .setCause(new IllegalStateException("broken pipe")).log("connection failed");

        List<String> lines = stopAndReadLines(context);

        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z  INFO "
                + "dev\\.shotover\\.runtime\\.Runner: Shotover is now accepting inbound connections");
        assertThat(lines.get(1)).matches(".{26}Z  WARN dev\\.shotover\\.runtime\\.Sink: connection failed chain=main");
        assertThat(lines.get(2)).isEqualTo("java.lang.IllegalStateException: broken pipe");
        assertThat(lines.get(3)).startsWith("\tat ");
        assertThat(String.join("\n", lines)).doesNotContain("filtered out");
    }

    @Test
    void jsonLinesAreOneObjectEach() {
        LoggerContext context = contextWritingToBuffer(LogFormat.JSON, "info");
        context.getLogger("dev.shotover.runtime.Runner").atInfo().addKeyValue("chain", "main")
                .log("quote \" backslash \\ newline \n tab \t done");
        context.getLogger("dev.shotover.runtime.Runner").error("failed", new RuntimeException("boom"));

        List<String> lines = stopAndReadLines(context);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\{\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z\","
                + "\"level\":\"INFO\",\"fields\":\\{\"message\":\"quote \\\\\" backslash \\\\\\\\ newline \\\\n tab "
                + "\\\\t done\",\"chain\":\"main\"\\},\"target\":\"dev\\.shotover\\.runtime\\.Runner\","
                + "\"threadName\":\"[^\"]+\"\\}");
        assertThat(lines.get(1)).contains("\"level\":\"ERROR\"", "\"message\":\"failed\"",
                "\"exception\":\"java.lang.RuntimeException: boom\\n\\tat ");
        assertThat(lines.get(1)).endsWith("}");
    }

    @Test
    void theFilterDecidesWhatIsWritten() {
        LoggerContext context = contextWritingToBuffer(LogFormat.HUMAN, "warn, shotover=debug");
        context.getLogger("dev.shotover.runtime.X").debug("shotover debug");
        context.getLogger("io.netty.X").info("netty info");
        context.getLogger("io.netty.X").warn("netty warn");

        String out = String.join("\n", stopAndReadLines(context));

        assertThat(out).contains("shotover debug", "netty warn").doesNotContain("netty info");
    }

    @Test
    void logFormatParsesTheCliValues() {
        assertThat(LogFormat.parse("human")).isEqualTo(LogFormat.HUMAN);
        assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(() -> LogFormat.parse("xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("human, json");
    }

    @Test
    void configureWritesToStdoutThroughTheGlobalContext() throws Exception {
        LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThatThrownBy(() -> LoggingSetup.configure(LogFormat.JSON, "info,bad=blah"))
                    .isInstanceOf(IllegalArgumentException.class);

            LoggingSetup.configure(LogFormat.JSON, "info");
            Logger logger = LoggerFactory.getLogger("dev.shotover.runtime.cli.Example");
            logger.info("hello stdout");
            logger.debug("not written");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!captured.toString(StandardCharsets.UTF_8).contains("hello stdout") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            String out = captured.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("\"level\":\"INFO\",\"fields\":{\"message\":\"hello stdout\"}")
                    .doesNotContain("not written");
            assertThat(LogLevelControl.current()).isEqualTo(LogFilter.parse("info"));
        } finally {
            System.setOut(originalOut);
            // Give the other tests of this JVM their usual logging back.
            global.reset();
            new ContextInitializer(global).autoConfig();
        }
    }
}
