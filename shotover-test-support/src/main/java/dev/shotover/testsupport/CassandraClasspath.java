package dev.shotover.testsupport;

import java.io.File;

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
 * {@value MavenClasspath#MVN_PROPERTY} (the Maven executable; default {@code $MAVEN_HOME/bin/mvn} or {@code mvn} from the PATH).
 *
 * <p>Thread-safe (synchronized).
 */
final class CassandraClasspath {
    /** A ready server class path, separated by {@link File#pathSeparator}; skips the Maven resolution. */
    static final String CLASSPATH_PROPERTY = "shotover.cassandra.classpath";

    private static final long RESOLVE_TIMEOUT_MINUTES = 10;

    private CassandraClasspath() {
    }

    /** The server class path for {@code version}, resolving it with Maven if the cache is missing or stale. */
    static synchronized String resolve(String version) {
        return MavenClasspath.resolve("Cassandra " + version, CLASSPATH_PROPERTY, CassandraCluster.cacheDir(version),
                "classpath.lock", pom(version), RESOLVE_TIMEOUT_MINUTES);
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
