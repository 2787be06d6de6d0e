package dev.shotover.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class path of a Cassandra server of one version ({@code org.apache.cassandra:cassandra-all} and its about 100
 * dependencies), resolved from Maven Central once per machine and cached.
 *
 * <p>Those jars (netty 4.1, guava, a shaded 3.x driver, chronicle...) clash with the proxy's own class path (netty
 * 4.2), so they are never a dependency of any module: Maven runs {@code dependency:build-classpath} on a small pom
 * written to {@link CassandraCluster#cacheDir(String)} (about 10 s the first time; the jars then stay in the local
 * repository), and the result is cached there in {@code classpath.txt}, reused while every jar it names exists. A
 * file lock makes concurrent test JVMs resolve it once.
 *
 * <p>Overrides: system property {@value #CLASSPATH_PROPERTY} (a ready class path: no resolution) and
 * {@value #MVN_PROPERTY} (the Maven executable; default {@code $MAVEN_HOME/bin/mvn} or {@code mvn} from the PATH).
 *
 * <p>Thread-safe (synchronized).
 */
final class CassandraClasspath {
    /** A ready server class path, separated by {@link File#pathSeparator}; skips the Maven resolution. */
    static final String CLASSPATH_PROPERTY = "shotover.cassandra.classpath";
    /** The Maven executable used to resolve the class path. */
    static final String MVN_PROPERTY = "shotover.mvn";

    private static final long RESOLVE_TIMEOUT_MINUTES = 10;

    private CassandraClasspath() {
    }

    /** The server class path for {@code version}, resolving it with Maven if the cache is missing or stale. */
    static synchronized String resolve(String version) {
        String given = System.getProperty(CLASSPATH_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path dir = CassandraCluster.cacheDir(version);
        Path cached = dir.resolve("classpath.txt");
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve("classpath.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                String classpath = readValid(cached);
                return classpath != null ? classpath : resolveWithMaven(version, dir, cached);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not resolve the Cassandra " + version + " class path in " + dir, e);
        }
    }

    /** The cached class path if every entry still exists (the local repository may have been pruned), else null. */
    private static String readValid(Path cached) throws IOException {
        if (!Files.exists(cached)) {
            return null;
        }
        String classpath = Files.readString(cached, StandardCharsets.UTF_8).trim();
        if (classpath.isEmpty()) {
            return null;
        }
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!Files.isRegularFile(Path.of(entry))) {
                return null;
            }
        }
        return classpath;
    }

    private static String resolveWithMaven(String version, Path dir, Path cached) throws IOException {
        Path pom = dir.resolve("pom.xml");
        Files.writeString(pom, pom(version), StandardCharsets.UTF_8);
        Path output = dir.resolve("mvn-output.log");
        Path resolved = dir.resolve("classpath.tmp");
        Files.deleteIfExists(resolved);
        List<String> command = List.of(mvnExecutable(), "-B", "-q", "-f", pom.toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + resolved, "-Dmdep.includeScope=runtime");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished;
        try {
            finished = process.waitFor(RESOLVE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while resolving the Cassandra class path");
        }
        if (!finished) {
            process.destroyForcibly();
        }
        String classpath = Files.exists(resolved) ? Files.readString(resolved, StandardCharsets.UTF_8).trim() : "";
        if (!finished || process.exitValue() != 0 || classpath.isEmpty()) {
            throw new StartupException("could not resolve the Cassandra " + version + " class path with "
                    + String.join(" ", command) + (finished ? " (exit code " + process.exitValue() + ")"
                    : " (timed out)") + ":\n" + CassandraCluster.tail(output, 40)
                    + "\nSet -D" + CLASSPATH_PROPERTY + " to a ready class path to skip this step.");
        }
        Files.writeString(cached, classpath, StandardCharsets.UTF_8);
        return classpath;
    }

    private static String mvnExecutable() {
        String given = System.getProperty(MVN_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        for (String home : Arrays.asList(System.getProperty("maven.home"), System.getenv("MAVEN_HOME"),
                System.getenv("M2_HOME"))) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
                return Path.of(home, "bin", "mvn").toString();
            }
        }
        return "mvn";
    }

    private static String pom(String version) {
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.shotover.test</groupId>
                  <artifactId>cassandra-server-classpath</artifactId>
                  <version>%1$s</version>
                  <packaging>pom</packaging>
                  <!-- Written by dev.shotover.testsupport.CassandraClasspath: the class path of a forked Cassandra
                       node, kept off every test class path (it brings netty 4.1). -->
                  <dependencies>
                    <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId><version>%1$s</version></dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version);
    }
}
