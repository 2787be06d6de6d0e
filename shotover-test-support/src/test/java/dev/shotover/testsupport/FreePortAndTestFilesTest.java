package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortAndTestFilesTest {

    @Test
    void freePortCanBeBound() throws IOException {
        int port = FreePort.find();
        assertThat(port).isBetween(1, 65535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void manyFreePortsAreDistinct() {
        int[] ports = FreePort.find(6);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(6);
    }

    @Test
    void requireFreeRejectsABoundPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> FreePort.requireFree(socket.getLocalPort(), "thing"))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("Address already in use");
        }
    }

    @Test
    void writeTempKeepsTheNameInAFreshDirectory() throws IOException {
        Path a = TestFiles.writeTemp("topology.yaml", "sources: []\n");
        Path b = TestFiles.writeTemp("topology.yaml", "other\n");
        assertThat(a.getFileName()).hasToString("topology.yaml");
        assertThat(a).isAbsolute().hasContent("sources: []");
        assertThat(b).hasContent("other");
        assertThat(a.getParent()).isNotEqualTo(b.getParent());

        Path nested = TestFiles.writeTemp("conf/config.yaml", "main_log_level: info\n");
        assertThat(nested.getParent().getFileName()).hasToString("conf");
        assertThat(Files.readString(nested)).isEqualTo("main_log_level: info\n");

        assertThatThrownBy(() -> TestFiles.writeTemp("../escape.yaml", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteRecursivelyRemovesTrees() throws IOException {
        Path dir = TestFiles.newTempDir("shotover-delete-test-");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "x");
        TestFiles.deleteRecursively(dir);
        assertThat(dir).doesNotExist();
        TestFiles.deleteRecursively(dir); // missing is fine
    }
}
