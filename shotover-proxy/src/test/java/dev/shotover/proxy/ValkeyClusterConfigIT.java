package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invalid settings of {@code ValkeySinkCluster} fail startup with a clear message. */
class ValkeyClusterConfigIT {
    private static void assertRejected(String extra, String message) {
        String yaml = ValkeyClusterHidingIT.topology(List.of("127.0.0.1:1"), extra);
        assertThatThrownBy(() -> ShotoverProxy.builder().topologyYaml(yaml).start().close())
                .hasStackTraceContaining(message);
    }

    @Test
    void directDestinationMustBeAnAddress() {
        assertRejected("            direct_destination: \"no-port\"\n", "direct_destination: ");
    }

    @Test
    void directDestinationAndDirectConnectionAreOneSetting() {
        assertRejected("            direct_destination: \"127.0.0.1:2\"\n"
                        + "            direct_connection: \"127.0.0.1:2\"\n",
                "direct_destination and direct_connection are the same setting: give only one");
    }

    @Test
    void tlsWithAMissingFileIsRejected() {
        assertRejected("            tls:\n              certificate_authority_path: \"/nonexistent/ca.crt\"\n",
                "tls.certificate_authority_path: /nonexistent/ca.crt: no such file");
    }

    @Test
    void redisSinkClusterAliasIsAccepted() {
        String yaml = ValkeyClusterHidingIT.topology(List.of("127.0.0.1:1"), "")
                .replace("ValkeySinkCluster:", "RedisSinkCluster:");
        // the alias parses and builds; the topology is only fetched on the first request, so startup succeeds
        ShotoverProxy.builder().topologyYaml(yaml).start().close();
    }
}
