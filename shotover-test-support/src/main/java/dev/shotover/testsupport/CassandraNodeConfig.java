package dev.shotover.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files and JVM options of one {@link CassandraCluster} node, tuned for a throwaway test node on a small machine
 * (two cores): small caches and thread pools, no bootstrap streaming, short gossip waits. Stateless.
 */
final class CassandraNodeConfig {

    private CassandraNodeConfig() {
    }

    /** {@code cassandra.yaml} of node {@code id} (1-based) of {@code nodeCount}, with its data under {@code dir}. */
    static String yaml(int id, int nodeCount, Path dir) {
        String host = "127.0.0." + id;
        return """
                cluster_name: shotover-it
                # One token per node, spread evenly: with vnodes, nodes started together picked identical tokens.
                num_tokens: 1
                initial_token: %2$d
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                listen_address: %1$s
                rpc_address: %1$s
                storage_port: %3$d
                native_transport_port: %4$d
                start_native_transport: true
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "127.0.0.1:%3$d"
                # An empty test cluster has nothing to stream to a joining node.
                auto_bootstrap: false
                commitlog_sync: periodic
                commitlog_sync_period: 10000ms
                commitlog_segment_size: 8MiB
                data_file_directories: ["%5$s"]
                commitlog_directory: "%6$s"
                saved_caches_directory: "%7$s"
                hints_directory: "%8$s"
                cdc_raw_directory: "%9$s"
                authenticator: AllowAllAuthenticator
                authorizer: AllowAllAuthorizer
                concurrent_reads: 8
                concurrent_writes: 8
                concurrent_counter_writes: 8
                concurrent_compactors: 1
                memtable_heap_space: 64MiB
                memtable_offheap_space: 64MiB
                key_cache_size: 8MiB
                counter_cache_size: 0MiB
                file_cache_size: 32MiB
                disk_access_mode: mmap_index_only
                dynamic_snitch: false
                materialized_views_enabled: true
                sasi_indexes_enabled: true
                """.formatted(host, CassandraCluster.initialToken(id, nodeCount), CassandraCluster.STORAGE_PORT,
                CassandraCluster.NATIVE_PORT, dir.resolve("data"), dir.resolve("commitlog"),
                dir.resolve("saved_caches"), dir.resolve("hints"), dir.resolve("cdc_raw"));
    }

    /** {@code logback.xml}: Cassandra's INFO log to {@code logs/system.log} (the jar ships no configuration). */
    static String logback(Path logs) {
        return """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(logs.resolve("system.log"));
    }

    /**
     * The JVM options before the class path: heap, the module exports/opens Cassandra 5.0 needs on Java 17 (its
     * {@code jvm17-server.options} plus a few), and system properties that shorten start-up of a test cluster.
     *
     * <p>{@code quickStart} stops the JIT at C1: start-up is CPU-bound (class loading and compilation), and C1-only
     * cut a node's start from about 9 to 6 CPU seconds (wall 19-25 s to 12-13 s on two busy cores). C1 code is
     * slower in the steady state, which functional tests do not notice but a benchmark would.
     */
    static List<String> jvmOptions(int heapMb, boolean quickStart) {
        List<String> options = new ArrayList<>(List.of(
                "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-Xss512k", "-XX:+UseG1GC",
                "-XX:MaxDirectMemorySize=256m", "-XX:ActiveProcessorCount=2", "-Djava.awt.headless=true",
                "-Djdk.attach.allowAttachSelf=true",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
                "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
                "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
                "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
                "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
                "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens", "java.base/java.math=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "-Dio.netty.tryReflectionSetAccessible=true",
                "-Dio.netty.allocator.useCacheForAllThreads=true",
                "-Dio.netty.allocator.maxOrder=11",
                "-Dcassandra-foreground=yes",
                // No JMX: nothing here uses nodetool, and fixed JMX ports would be one more clash to avoid.
                // Gossip waits sized for a cluster on one machine, where every node is reachable at once. The ring
                // delay is also how long a peer that has no tokens yet may stay silent before gossip drops it as a
                // "fat client": at 1 s, nodes starting together on two busy cores were dropped and re-added
                // (seconds lost); 5 s avoided that and adds no wait to a start without bootstrap.
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=5000",
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dcassandra.load_ring_state=false"));
        if (quickStart) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return options;
    }
}
