package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Process handling of {@link ProxyProcess} against a fake jar ({@link FakeShotoverMain}), since the real proxy does
 * not exist yet. Each test starts a small JVM.
 */
class ProxyProcessLifecycleTest {

    private static Path jarDir;
    private static String previousJarProperty;

    @BeforeAll
    static void buildFakeJar() throws IOException {
        jarDir = TestFiles.newTempDir("fake-shotover-");
        Path jar = jarDir.resolve("shotover-proxy.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeShotoverMain.class.getName());
        String entry = FakeShotoverMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = FakeShotoverMain.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        previousJarProperty = System.getProperty(ProxyProcess.JAR_PROPERTY);
        System.setProperty(ProxyProcess.JAR_PROPERTY, jar.toString());
    }

    @AfterAll
    static void restoreProperty() {
        if (previousJarProperty == null) {
            System.clearProperty(ProxyProcess.JAR_PROPERTY);
        } else {
            System.setProperty(ProxyProcess.JAR_PROPERTY, previousJarProperty);
        }
        TestFiles.deleteRecursively(jarDir);
    }

    @Test
    void startsWaitsForReadyAndStopsWithSigterm() {
        Path topology = TestFiles.writeTemp("topology.yaml", "sources: []\n");
        Path config = TestFiles.writeTemp("config.yaml", "main_log_level: info\n");
        ProxyProcess proxy = ProxyProcess.start(topology, config, "--extra");
        try {
            assertThat(proxy.isAlive()).isTrue();
            assertThat(proxy.command()).containsSubsequence("-Dio.netty.leakDetection.level=paranoid", "-jar");
            assertThat(proxy.output()).anyMatch(line -> line.contains("args --topology-file " + topology
                    + " --config-file " + config + " --log-format human --extra"));
            assertThat(proxy.waitForLine("backend slow", Duration.ofSeconds(5))).contains("WARN");
            assertThat(proxy.waitForLine(Pattern.compile("accepting \\w+ connections"), Duration.ofSeconds(1)))
                    .contains(ProxyProcess.READY_LINE);
            assertThatThrownBy(() -> proxy.waitForLine("never printed", Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("never printed")
                    .hasMessageContaining("backend slow");
        } finally {
            int exitCode = proxy.stop();
            // A JVM ending on SIGTERM exits with 128 + 15.
            assertThat(exitCode).isEqualTo(143);
        }
        assertThat(proxy.isAlive()).isFalse();
        // The output read after the exit (the shutdown hook's line) is complete when stop() returns.
        assertThat(proxy.output()).anyMatch(line -> line.contains("Shotover was shut down"));
        assertThat(proxy.stop()).isEqualTo(143);

        assertThatThrownBy(proxy::assertNoUnexpectedWarnOrError)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 unexpected")
                .hasMessageContaining("backend slow");
        assertThatCode(() -> proxy.assertNoUnexpectedWarnOrError("backend slow")).doesNotThrowAnyException();
        assertThatThrownBy(() -> proxy.waitForLine("never printed", Duration.ofSeconds(10)))
                .hasMessageContaining("the process exited (code 143)");
    }

    @Test
    void startFailsWithOutputWhenTheProcessExitsEarly() {
        Path file = TestFiles.writeTemp("topology.yaml", "");
        assertThatThrownBy(() -> ProxyProcess.start(file, file, "--die-early"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("exited with code 1 before logging '" + ProxyProcess.READY_LINE + "'")
                .hasMessageContaining("cannot bind")
                .hasMessageContaining("command: ");
    }

    @Test
    void runToCompletionSeparatesStreams() {
        CliResult help = ProxyProcess.runToCompletion(Duration.ofSeconds(20), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdoutLines()).containsExactly("Usage: shotover [OPTIONS]");
        assertThat(help.stderrLines()).isEmpty();

        CliResult check = ProxyProcess.runToCompletion(Duration.ofSeconds(20), "--check");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.stdout()).isEqualTo("checking");
        assertThat(check.stderr()).contains("invalid topology");
        assertThat(check.combined()).contains("checking").contains("invalid topology");
    }

    @Test
    void runToCompletionKillsAndFailsOnTimeout() {
        assertThatThrownBy(() -> ProxyProcess.runToCompletion(Duration.ofMillis(300), "--hang"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not exit within 300 ms");
    }
}
