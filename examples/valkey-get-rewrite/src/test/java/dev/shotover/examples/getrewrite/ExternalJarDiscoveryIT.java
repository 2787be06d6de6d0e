package dev.shotover.examples.getrewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.examples.getrewrite.impostor.ImpostorGetRewriteFactory;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.ProxyProcess;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.TestFiles;
import dev.shotover.testsupport.ValkeyTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's path for custom transforms: the example's own jar (built by this module, containing only the
 * transform and its {@code META-INF/services} entry) next to the proxy's fat jar on the class path. The proxy must
 * find the transform by its YAML name, list the known names when a name is unknown, and refuse to start when two
 * jars claim one name.
 */
class ExternalJarDiscoveryIT {

    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONFIG = "main_log_level: \"info\"\n";

    private static Path proxyJar;
    private static Path exampleJar;
    private static Path config;

    @BeforeAll
    static void locateJars() {
        proxyJar = ProxyProcess.proxyJar();
        exampleJar = Path.of(System.getProperty("example.jar", "target/example-valkey-get-rewrite.jar"));
        assertThat(exampleJar).as("the example's jar (mvn package builds it)").isRegularFile();
        config = TestFiles.writeTemp("config.yaml", CONFIG);
    }

    private static Path topology(String transformName, int listenPort, int backendPort) {
        return TestFiles.writeTemp("topology.yaml", """
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:%d"
                      chain:
                        - %s:
                            result: "Rewritten value"
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:%d"
                """.formatted(listenPort, transformName, backendPort));
    }

    private static CheckResult check(List<Path> classpath, Path topology) throws InterruptedException {
        try (ClasspathProxy cli = ClasspathProxy.start(classpath, "--check", "--topology-file", topology.toString(),
                "--config-file", config.toString())) {
            int exit = cli.waitForExit(CLI_TIMEOUT);
            return new CheckResult(exit, cli.output());
        }
    }

    record CheckResult(int exitCode, String output) {
    }

    @Test
    void theTransformInItsOwnJarIsFoundByItsYamlName() throws Exception {
        CheckResult result = check(List.of(proxyJar, exampleJar), topology("ValkeyGetRewrite", 6380, 6379));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("are valid");
    }

    @Test
    void withoutTheJarTheNameIsUnknownAndTheKnownNamesAreListed() throws Exception {
        CheckResult result = check(List.of(proxyJar), topology("ValkeyGetRewrite", 6380, 6379));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output())
                .contains("unknown transform 'ValkeyGetRewrite'; known transforms: ")
                .contains("ValkeySinkSingle")
                .doesNotContain("known transforms: ValkeyGetRewrite")
                .doesNotContain(", ValkeyGetRewrite,");
    }

    @Test
    void aMistypedNameListsTheKnownNamesIncludingTheJarsTransform() throws Exception {
        CheckResult result = check(List.of(proxyJar, exampleJar), topology("ValkeyGetRewrit", 6380, 6379));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).containsPattern(
                "unknown transform 'ValkeyGetRewrit'; known transforms: .*\\bValkeyGetRewrite\\b.*ValkeySinkSingle");
    }

    @Test
    void twoJarsClaimingOneNameStopTheProxyWithAClearError() throws Exception {
        Path impostorJar = impostorJar();

        CheckResult result = check(List.of(proxyJar, exampleJar, impostorJar),
                topology("ValkeyGetRewrite", 6380, 6379));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("transform name 'ValkeyGetRewrite' is registered by both "
                + ValkeyGetRewriteFactory.class.getName() + " and " + ImpostorGetRewriteFactory.class.getName());
    }

    @Test
    void theProxyBinaryRunsTheTransformFromTheJar() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            int port = FreePort.find();
            try (ClasspathProxy proxy = ClasspathProxy.start(List.of(proxyJar, exampleJar),
                    "--topology-file", topology("ValkeyGetRewrite", port, redis.port()).toString(),
                    "--config-file", config.toString())) {
                proxy.awaitLine(ProxyProcess.READY_LINE, Duration.ofSeconds(30));
                try (ValkeyTestClient client = ValkeyTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                    assertThat(client.callForString("SET", "foo", "some value")).isEqualTo("OK");
                    assertThat(client.callForString("GET", "foo")).isEqualTo("Rewritten value");
                }
                assertThat(proxy.stop()).isZero();
                List<String> lines = proxy.output().lines().toList();
                assertThat(ProxyProcess.unexpectedWarnOrErrorLines(lines)).as(proxy.output()).isEmpty();
            }
        }
    }

    /** A jar holding only {@link ImpostorGetRewriteFactory} and its service entry. */
    private static Path impostorJar() throws IOException {
        Path jar = TestFiles.newTempDir("impostor-").resolve("impostor.jar");
        String classFile = ImpostorGetRewriteFactory.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             InputStream bytes = ExternalJarDiscoveryIT.class.getClassLoader().getResourceAsStream(classFile)) {
            assertThat(bytes).as(classFile).isNotNull();
            out.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(out);
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/dev.shotover.api.TransformFactory"));
            OutputStream entry = out;
            entry.write((ImpostorGetRewriteFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        jar.toFile().deleteOnExit();
        return jar;
    }
}
