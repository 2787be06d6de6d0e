package dev.shotover.runtime.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder for {@code --log-format human}, laid out like Shotover's (tracing's default) format:
 * {@code <UTC timestamp, microseconds> <level, right-aligned to 5> <logger>: <message>[ key=value...]}, then the stack
 * trace of any throwable on the following lines. Key/value pairs come from SLF4J's fluent API
 * ({@code log.atInfo().addKeyValue("chain", name)...}).
 *
 * <p>Requires logback-classic. Usable from {@code logback.xml}:
 * {@code <encoder class="dev.shotover.runtime.observability.ShotoverHumanEncoder"/>}. Stateless after start; Logback
 * calls it from the appender's thread.
 */
public class ShotoverHumanEncoder extends EncoderBase<ILoggingEvent> {

    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Creates the encoder; Logback instantiates it from configuration. */
    public ShotoverHumanEncoder() {
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        TIMESTAMP.formatTo(event.getInstant(), line);
        line.append(' ');
        String level = event.getLevel().toString();
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        line.append(level).append(' ').append(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                line.append(' ').append(pair.key).append('=').append(pair.value);
            }
        }
        line.append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            line.append(ThrowableProxyUtil.asString(throwable));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
