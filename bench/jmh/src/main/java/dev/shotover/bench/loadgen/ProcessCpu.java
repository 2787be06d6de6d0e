package dev.shotover.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a Linux process has used so far (user + system, all threads), read from {@code /proc/<pid>/stat}.
 * Stateless; safe from any thread.
 */
public final class ProcessCpu {
    private ProcessCpu() {
    }

    /**
     * {@return the CPU time of process {@code pid} in clock ticks, or -1 when it cannot be read}
     *
     * @param pid the process, or 0 for this JVM
     */
    public static long ticks(long pid) {
        Path stat = Path.of("/proc", pid == 0 ? "self" : Long.toString(pid), "stat");
        try {
            String text = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'
            String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" +");
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
