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
 * Resolves the class path of a server that runs in a forked JVM (a Kafka broker, a Cassandra node) whose jars must
 * never be on a test's own class path: Maven runs {@code dependency:build-classpath} on a small generated pom, the
 * result is cached in {@code classpath.txt} of a directory and reused while every jar it names exists (the local
 * repository may have been pruned). A file lock makes concurrent test JVMs resolve it once.
 *
 * <p>{@value #MVN_PROPERTY} names the Maven executable (default {@code $MAVEN_HOME/bin/mvn} or {@code mvn} from the
 * PATH). Stateless; callers synchronize per server.
 */
final class MavenClasspath {
    /** The Maven executable used to resolve class paths. */
    static final String MVN_PROPERTY = "shotover.mvn";

    private MavenClasspath() {
    }

    /**
     * {@return the class path, separated by {@link File#pathSeparator}}
     *
     * @param what              what it is the class path of, for messages, e.g. {@code Kafka 4.3.1 broker}
     * @param classpathProperty a system property that, when set, is the class path (no resolution)
     * @param dir               the cache directory
     * @param lockName          the lock file's name in {@code dir}
     * @param pom               the pom whose runtime dependencies make the class path
     * @param timeoutMinutes    how long Maven may take
     */
    static String resolve(String what, String classpathProperty, Path dir, String lockName, String pom,
                          long timeoutMinutes) {
        String given = System.getProperty(classpathProperty);
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path cached = dir.resolve("classpath.txt");
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(lockName), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                String classpath = readValid(cached);
                return classpath != null ? classpath
                        : resolveWithMaven(what, classpathProperty, dir, cached, pom, timeoutMinutes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not resolve the " + what + " class path in " + dir, e);
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

    private static String resolveWithMaven(String what, String classpathProperty, Path dir, Path cached, String pomXml,
                                           long timeoutMinutes) throws IOException {
        Path pom = dir.resolve("pom.xml");
        Files.writeString(pom, pomXml, StandardCharsets.UTF_8);
        Path output = dir.resolve("mvn-output.log");
        Path resolved = dir.resolve("classpath.tmp");
        Files.deleteIfExists(resolved);
        List<String> command = List.of(mvnExecutable(), "-B", "-q", "-f", pom.toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + resolved, "-Dmdep.includeScope=runtime");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished;
        try {
            finished = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while resolving the " + what + " class path");
        }
        if (!finished) {
            process.destroyForcibly();
        }
        String classpath = Files.exists(resolved) ? Files.readString(resolved, StandardCharsets.UTF_8).trim() : "";
        if (!finished || process.exitValue() != 0 || classpath.isEmpty()) {
            throw new StartupException("could not resolve the " + what + " class path with "
                    + String.join(" ", command) + (finished ? " (exit code " + process.exitValue() + ")"
                    : " (timed out)") + ":\n" + KafkaBroker.tail(output, 40)
                    + "\nSet -D" + classpathProperty + " to a ready class path to skip this step.");
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
}
