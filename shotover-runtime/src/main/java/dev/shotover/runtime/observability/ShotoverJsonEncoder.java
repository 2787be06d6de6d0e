package dev.shotover.runtime.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder for {@code --log-format json}: one JSON object per line, shaped like Shotover's (tracing's JSON
 * format) so that log pipelines written for Shotover keep working:
 * <pre>{@code
 * {"timestamp":"2024-05-01T10:15:30.123456Z","level":"INFO","fields":{"message":"...","chain":"main"},
 *  "target":"dev.shotover.runtime.Runner","threadName":"main"}
 * }</pre>
 * (one line in reality). {@code fields} holds the message, then SLF4J key/value pairs, then MDC entries; the stack
 * trace of a throwable goes to {@code "exception"} as one string. All values are JSON strings.
 *
 * <p>Requires logback-classic. Usable from {@code logback.xml}:
 * {@code <encoder class="dev.shotover.runtime.observability.ShotoverJsonEncoder"/>}. Stateless after start.
 */
public class ShotoverJsonEncoder extends EncoderBase<ILoggingEvent> {

    /** Creates the encoder; Logback instantiates it from configuration. */
    public ShotoverJsonEncoder() {
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(192);
        json.append("{\"timestamp\":\"");
        ShotoverHumanEncoder.TIMESTAMP.formatTo(event.getInstant(), json);
        json.append("\",\"level\":\"").append(event.getLevel().toString()).append("\",\"fields\":{\"message\":");
        string(event.getFormattedMessage(), json);
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                json.append(',');
                string(pair.key, json);
                json.append(':');
                string(String.valueOf(pair.value), json);
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            for (Map.Entry<String, String> entry : mdc.entrySet()) {
                json.append(',');
                string(entry.getKey(), json);
                json.append(':');
                string(entry.getValue(), json);
            }
        }
        json.append("},\"target\":");
        string(event.getLoggerName(), json);
        json.append(",\"threadName\":");
        string(event.getThreadName(), json);
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            json.append(",\"exception\":");
            string(ThrowableProxyUtil.asString(throwable), json);
        }
        json.append("}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /** Appends {@code value} as a JSON string literal (null as {@code null}). */
    static void string(String value, StringBuilder json) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
