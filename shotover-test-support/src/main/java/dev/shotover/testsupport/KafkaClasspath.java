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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class path of a Kafka broker of one version, resolved from Maven Central once and cached.
 *
 * <p>The broker's jars ({@code org.apache.kafka:kafka_2.13} and its dependencies: Scala, Jackson, log4j...) must never
 * be on a test's own class path, so they are resolved by running Maven on a small generated pom
 * ({@code dependency:build-classpath}, about 5 s the first time, the jars then stay in the local repository). The
 * result is cached in {@code ${java.io.tmpdir}/shotover-kafka-broker-<version>/classpath.txt} and reused while every
 * jar it names exists. A file lock makes concurrent test JVMs resolve it once.
 *
 * <p>Overrides: system property {@value #CLASSPATH_PROPERTY} (a ready class path; no resolution) and
 * {@value #MVN_PROPERTY} (the Maven executable; default {@code $MAVEN_HOME/bin/mvn} or {@code mvn} from the PATH).
 *
 * <p>Thread-safe (synchronized).
 */
final class KafkaClasspath {
    /** A ready broker class path, separated by {@link File#pathSeparator}; skips the Maven resolution. */
    static final String CLASSPATH_PROPERTY = "shotover.kafka.classpath";
    /** The Maven executable used to resolve the class path. */
    static final String MVN_PROPERTY = "shotover.mvn";

    private static final String SLF4J_VERSION = "2.0.17";
    private static final long RESOLVE_TIMEOUT_MINUTES = 5;

    private KafkaClasspath() {
    }

    /** The broker class path for {@code version}, resolving it if needed. */
    static synchronized String resolve(String version) {
        String given = System.getProperty(CLASSPATH_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "shotover-kafka-broker-" + version);
        Path cached = dir.resolve("classpath.txt");
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                String classpath = readValid(cached);
                if (classpath == null) {
                    classpath = resolveWithMaven(version, dir, cached);
                }
                return classpath;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not resolve the Kafka " + version + " broker class path in " + dir, e);
        }
    }

    /** The cached class path if every entry still exists, else null. */
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
        List<String> command = new ArrayList<>(List.of(mvnExecutable(), "-B", "-q", "-f", pom.toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + resolved, "-Dmdep.includeScope=runtime"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished;
        try {
            finished = process.waitFor(RESOLVE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while resolving the Kafka broker class path");
        }
        if (!finished) {
            process.destroyForcibly();
        }
        String classpath = Files.exists(resolved) ? Files.readString(resolved, StandardCharsets.UTF_8).trim() : "";
        if (!finished || process.exitValue() != 0 || classpath.isEmpty()) {
            throw new StartupException("could not resolve the Kafka " + version + " broker class path with "
                    + String.join(" ", command) + (finished ? " (exit code " + process.exitValue() + ")"
                    : " (timed out)") + ":\n" + KafkaBroker.tail(output, 40)
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
                  <artifactId>kafka-broker-classpath</artifactId>
                  <version>%1$s</version>
                  <packaging>pom</packaging>
                  <dependencies>
                    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>%1$s</version></dependency>
                    <!-- the broker logs through SLF4J; the resolved jars bring no binding -->
                    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>%2$s</version></dependency>
                    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>%2$s</version></dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version, SLF4J_VERSION);
    }
}
