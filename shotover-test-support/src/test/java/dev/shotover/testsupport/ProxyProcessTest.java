package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@link ProxyProcess} that need no proxy jar: jar discovery and the log-line classifier. */
class ProxyProcessTest {

    private static final String WARN_LINE = "2026-11-21T10:00:00.123Z  WARN dev.shotover.runtime.X: backend slow";
    private static final String ERROR_LINE = "2026-11-21T10:00:00.124Z ERROR dev.shotover.runtime.Y: connection lost";
    private static final String INFO_LINE = "2026-11-21T10:00:00.125Z  INFO dev.shotover.runtime.Z: WARN ERROR in text";

    @TempDir
    Path temp;

    @Test
    void missingJarFromPropertyNamesThePropertyAndHowToBuild() {
        Path missing = temp.resolve("nope/shotover-proxy.jar");
        assertThatThrownBy(() -> ProxyProcess.proxyJar(missing.toString(), temp))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("-Dshotover.proxy.jar=" + missing)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("mvn -pl shotover-proxy -am package -DskipTests");
    }

    @Test
    void missingJarWithoutPropertyListsWhereItLooked() {
        Path nested = temp.resolve("a/b");
        assertThatThrownBy(() -> ProxyProcess.proxyJar(null, nested))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("-Dshotover.proxy.jar is not set")
                .hasMessageContaining(nested.resolve(ProxyProcess.JAR_IN_REPO).toString())
                .hasMessageContaining(temp.resolve(ProxyProcess.JAR_IN_REPO).toString())
                .hasMessageContaining("mvn -pl shotover-proxy -am package -DskipTests");
    }

    @Test
    void findsTheJarInAParentDirectory() throws IOException {
        Path jar = temp.resolve(ProxyProcess.JAR_IN_REPO);
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[] {'P', 'K'});
        Path moduleDir = Files.createDirectories(temp.resolve("shotover-proxy/src/test"));

        assertThat(ProxyProcess.proxyJar(null, moduleDir)).isEqualTo(jar);
        assertThat(ProxyProcess.proxyJar("", moduleDir)).isEqualTo(jar);
        assertThat(ProxyProcess.proxyJar(jar.toString(), Path.of("/"))).isEqualTo(jar);
    }

    @Test
    void classifiesHumanFormatLevels() {
        assertThat(ProxyProcess.levelOf(WARN_LINE)).contains("WARN");
        assertThat(ProxyProcess.levelOf(ERROR_LINE)).contains("ERROR");
        assertThat(ProxyProcess.levelOf(INFO_LINE)).contains("INFO");
        assertThat(ProxyProcess.levelOf("2026-11-21T10:00:00.126Z DEBUG dev.shotover.A: x")).contains("DEBUG");
        assertThat(ProxyProcess.levelOf("WARN no timestamp")).contains("WARN");

        assertThat(ProxyProcess.isWarnOrError(WARN_LINE)).isTrue();
        assertThat(ProxyProcess.isWarnOrError(ERROR_LINE)).isTrue();
        // A level word inside the message of an INFO line is not the level.
        assertThat(ProxyProcess.isWarnOrError(INFO_LINE)).isFalse();
        // WARNING is not WARN (e.g. Redis' own "WARNING Memory overcommit").
        assertThat(ProxyProcess.isWarnOrError("1:M 21 Nov 2026 10:00:00.000 # WARNING Memory overcommit")).isFalse();
        // Stack trace lines and banners have no level.
        assertThat(ProxyProcess.levelOf("\tat dev.shotover.runtime.X.run(X.java:10)")).isEmpty();
        assertThat(ProxyProcess.levelOf("")).isEmpty();
        // Colored output is classified after stripping the escape codes.
        assertThat(ProxyProcess.isWarnOrError("2026-11-21T10:00:00.123Z \u001B[33mWARN\u001B[0m dev.shotover.X: y"))
                .isTrue();
    }

    @Test
    void unexpectedLinesHonorAllowedSubstringsButNeverAllowLeaks() {
        String leak = "2026-11-21T10:00:00.127Z ERROR io.netty.util.ResourceLeakDetector: LEAK: ByteBuf.release() "
                + "was not called";
        String crash = "Exception in thread \"main\" java.lang.IllegalStateException: boom";
        List<String> lines = List.of(INFO_LINE, WARN_LINE, ERROR_LINE, leak, crash, "\tat x.Y.z(Y.java:1)");

        assertThat(ProxyProcess.unexpectedWarnOrErrorLines(lines)).containsExactly(WARN_LINE, ERROR_LINE, leak, crash);
        assertThat(ProxyProcess.unexpectedWarnOrErrorLines(lines, "backend slow", "boom"))
                .containsExactly(ERROR_LINE, leak);
        assertThat(ProxyProcess.unexpectedWarnOrErrorLines(lines, "dev.shotover.runtime", "LEAK", "ResourceLeak",
                "boom")).containsExactly(leak);
        assertThat(ProxyProcess.unexpectedWarnOrErrorLines(List.of(INFO_LINE))).isEmpty();
    }
}
