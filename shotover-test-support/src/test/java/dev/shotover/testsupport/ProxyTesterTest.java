package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Message;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.runtime.config.ConfigException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxyTesterTest {

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /** {@code - Echo}: a terminating transform answering every command with its last word. */
    public record EchoConfig(String name) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return connection -> state -> {
                List<Message> responses = new ArrayList<>();
                for (Message request : state.requests()) {
                    List<ValkeyFrame> words = ((ValkeyFrame.Array) request.frame(ValkeyFrame.class)).elements();
                    responses.add(Message.responseTo(request, words.get(words.size() - 1)));
                }
                return CompletableFuture.completedFuture(responses);
            };
        }

        @Override
        public DownChainProtocol downChainProtocol() {
            return DownChainProtocol.terminating();
        }
    }

    /** Registers {@link EchoConfig} as {@code Echo}, in code only (not in META-INF/services). */
    public static final class EchoFactory implements TransformFactory {
        @Override
        public String typeName() {
            return "Echo";
        }

        @Override
        public Class<? extends TransformConfig> configType() {
            return EchoConfig.class;
        }
    }

    private static final String ECHO_TOPOLOGY = """
            sources:
              - Valkey:
                  name: echo
                  listen_addr: 127.0.0.1:0
                  chain:
                    - Echo
            """;

    @Test
    void startsATopologyWithTransformsRegisteredInCodeOnAFreePort() {
        try (ProxyTester proxy = ProxyTester.start(ECHO_TOPOLOGY, new EchoFactory());
             ValkeyTestClient client = proxy.valkeyClient()) {
            assertThat(proxy.address().getPort()).isPositive();
            assertThat(proxy.address("echo")).isEqualTo(proxy.address());

            assertThat(client.callForString("GET", "hello")).isEqualTo("hello");
            assertThat(client.pipeline(List.of(List.of("SET", "k", "one"), List.of("ECHO", "two"))))
                    .containsExactly(ValkeyFrame.bulk("one"), ValkeyFrame.bulk("two"));
            assertThat(proxy.metrics()).contains("shotover_chain_total_count{chain=\"echo\"}");
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void anUnknownTransformIsReportedWithTheProxysMessage() {
        assertThatThrownBy(() -> ProxyTester.start(ECHO_TOPOLOGY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown transform 'Echo'");
    }

    @Test
    void aValkeyTopologyPutsTheChainElementsBeforeASinkToTheBackend() {
        String yaml = ProxyTester.valkeyTopology(new InetSocketAddress("127.0.0.1", 6379),
                "QueryCounter: {counter_name: c}", "DebugPrinter:\n  name: printer");

        assertThat(yaml).isEqualTo("""
                sources:
                  - Valkey:
                      name: "valkey"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - QueryCounter: {counter_name: c}
                        - DebugPrinter:
                            name: printer
                        - ValkeySinkSingle:
                            remote_address: "127.0.0.1:6379"
                            connect_timeout_ms: 3000
                """);
    }

    @Test
    void addressWithoutANameNeedsASingleSource() {
        String twoSources = ECHO_TOPOLOGY + """
                  - Valkey:
                      name: echo2
                      listen_addr: 127.0.0.1:0
                      chain:
                        - Echo:
                            name: echo-two
                """;
        try (ProxyTester proxy = ProxyTester.builder().topologyYaml(twoSources).registerTransform(new EchoFactory())
                .coreThreads(1).start()) {
            assertThatThrownBy(proxy::address).hasMessageContaining("has 2 sources [echo, echo2]");
            assertThat(proxy.address("echo2")).isNotEqualTo(proxy.address("echo"));
        }
    }
}
