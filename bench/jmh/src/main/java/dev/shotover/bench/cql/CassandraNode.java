package dev.shotover.bench.cql;

import dev.shotover.testsupport.CassandraCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Holds a real single-node Cassandra for a benchmark script: starts it with the test harness
 * ({@link CassandraCluster#start(int) CassandraCluster.start(1)}: a forked Cassandra 5.0.9 JVM on 127.0.0.1:19042,
 * full JIT), announces it, and keeps it until this JVM is stopped.
 *
 * <p>The ports are fixed, so only one such node (or the ITs' shared cluster) runs on a machine at a time: the
 * harness's machine-wide lock makes this wait while another JVM's cluster runs (at most 600 s, or
 * {@code -Dshotover.cassandra.lockWaitSeconds}), and others wait for this one. Extra JVM options for the node
 * (a larger heap for a benchmark) go in {@code -Dshotover.cassandra.jvmArgs="-Xms1g -Xmx1g"}.
 *
 * <p>Usage: {@code java -cp shotover-bench.jar dev.shotover.bench.cql.CassandraNode <ready-file>}. Once the node
 * serves CQL, the ready file is written (atomically) with lines {@code pid=}, {@code host=}, {@code port=} and
 * {@code log=}. Stop this JVM with SIGTERM (by its pid): the harness's shutdown hook kills the node with SIGKILL and
 * deletes its data, and the operating system releases the lock. If this JVM is killed with SIGKILL instead, the
 * node is left running; the next harness start recognises and kills it. Exits 1 when the node could not start.
 */
public final class CassandraNode {
    private CassandraNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: CassandraNode <ready-file>");
            System.exit(2);
        }
        Path readyFile = Path.of(args[0]);
        CassandraCluster cluster;
        try {
            cluster = CassandraCluster.start(1);
        } catch (RuntimeException e) {
            System.err.println("Cassandra did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        String ready = "pid=" + cluster.pid(1) + "\nhost=" + cluster.host(1) + "\nport=" + cluster.nativePort()
                + "\nlog=" + cluster.logFile(1) + "\n";
        try {
            Path temporary = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(temporary, ready, StandardCharsets.UTF_8);
            Files.move(temporary, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not write " + readyFile + ": " + e);
            cluster.close();
            System.exit(1);
        }
        System.out.println("Cassandra " + CassandraCluster.VERSION + " serves CQL on " + cluster.contactPoint(1)
                + " (pid " + cluster.pid(1) + ")");
        System.out.flush();
        Thread.currentThread().join();
    }
}
