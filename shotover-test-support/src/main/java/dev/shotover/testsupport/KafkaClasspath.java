package dev.shotover.testsupport;

import java.io.File;
import java.nio.file.Path;

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
 * {@value MavenClasspath#MVN_PROPERTY} (the Maven executable; default {@code $MAVEN_HOME/bin/mvn} or {@code mvn} from the PATH).
 *
 * <p>Thread-safe (synchronized).
 */
final class KafkaClasspath {
    /** A ready broker class path, separated by {@link File#pathSeparator}; skips the Maven resolution. */
    static final String CLASSPATH_PROPERTY = "shotover.kafka.classpath";

    private static final String SLF4J_VERSION = "2.0.17";
    private static final long RESOLVE_TIMEOUT_MINUTES = 5;

    private KafkaClasspath() {
    }

    /** The broker class path for {@code version}, resolving it if needed. */
    static synchronized String resolve(String version) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "shotover-kafka-broker-" + version);
        return MavenClasspath.resolve("Kafka " + version + " broker", CLASSPATH_PROPERTY, dir, "lock", pom(version),
                RESOLVE_TIMEOUT_MINUTES);
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
