package dev.shotover.transforms.coalesce;

import dev.shotover.api.BuildContext;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of {@link Coalesce}. At least one of the two triggers must be given:
 *
 * <pre>{@code
 * - Coalesce:
 *     flush_when_buffered_message_count: 2000
 *     flush_when_millis_since_last_flush: 10000
 * }</pre>
 *
 * @param name                           the occurrence name, or null to use the type name
 * @param flushWhenBufferedMessageCount  flush once this many requests are buffered; null when absent
 * @param flushWhenMillisSinceLastFlush  flush this many milliseconds after the first request buffered since the last
 *                                       flush, on a timer; null when absent
 */
public record CoalesceConfig(String name, Long flushWhenBufferedMessageCount, Long flushWhenMillisSinceLastFlush)
        implements TransformConfig {

    /** Where the validation messages send the reader. */
    static final String DOCS_HINT = "See the Coalesce section of docs/transforms.md for more information.";

    /**
     * What is wrong with this configuration; empty when it is valid. Each problem is one block of lines headed by
     * {@code Coalesce:}, the layout Shotover uses for this transform, so the runtime nests it under the chain.
     */
    public List<String> problems() {
        List<String> lines = new ArrayList<>();
        if (flushWhenBufferedMessageCount == null && flushWhenMillisSinceLastFlush == null) {
            lines.add("Provide at least one of:");
            lines.add("* flush_when_buffered_message_count (must be greater than 0)");
            lines.add("* flush_when_millis_since_last_flush (must be greater than 0)");
            lines.add("");
            lines.add("But none of them were provided: a Coalesce without either would never send anything.");
        }
        if (flushWhenBufferedMessageCount != null && flushWhenBufferedMessageCount < 1) {
            lines.add("flush_when_buffered_message_count must be greater than 0 when set, but was "
                    + flushWhenBufferedMessageCount + ".");
        }
        if (flushWhenBufferedMessageCount != null && flushWhenBufferedMessageCount > Integer.MAX_VALUE) {
            lines.add("flush_when_buffered_message_count must be at most " + Integer.MAX_VALUE + ", but was "
                    + flushWhenBufferedMessageCount + ".");
        }
        if (flushWhenMillisSinceLastFlush != null && flushWhenMillisSinceLastFlush < 1) {
            lines.add("flush_when_millis_since_last_flush must be greater than 0 when set, but was "
                    + flushWhenMillisSinceLastFlush + ".");
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        lines.add(DOCS_HINT);
        StringBuilder block = new StringBuilder("Coalesce:");
        for (String line : lines) {
            block.append('\n');
            if (!line.isEmpty()) {
                block.append("  ").append(line);
            }
        }
        return List.of(block.toString());
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new CoalesceBuilder(this, problems());
    }
}
