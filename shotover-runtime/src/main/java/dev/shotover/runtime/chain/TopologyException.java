package dev.shotover.runtime.chain;

import java.util.List;

/**
 * The topology cannot run. The message lists every problem found, grouped by source and chain in Shotover's format:
 * <pre>
 * Topology errors
 * valkey source:
 *   valkey chain:
 *     Non-terminating Transform DebugPrinter named "printer" is last in chain. Last Transform must be terminating.
 * </pre>
 */
public final class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> lines;

    public TopologyException(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    /** The report, line by line. */
    public List<String> lines() {
        return lines;
    }
}
