package dev.shotover.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.Protocol;
import dev.shotover.runtime.config.FakeTransforms.NullSinkConfig;
import dev.shotover.runtime.config.FakeTransforms.QueryCounterConfig;
import dev.shotover.runtime.config.FakeTransforms.TeeConfig;
import dev.shotover.runtime.config.FakeTransforms.ValkeySinkSingleConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(FakeTransforms.registry());

    /** Verbatim from Shotover's user guide ("Consider this example topology.yaml"). */
    private static final String DOCUMENTED_TOPOLOGY = """
            # This example listens on two different localhost ports and routes messages to a single valkey instance on localhost.
            # Requests received on port 1000 will have metrics recorded on the types of messages sent, while port 1001 will not have those metrics.
            ---
            # The list of sources
            sources:
              # First we define the source that will listen for connections from the client and then communicate to the client once a connection is opened.
              - Valkey:
                  name: "valkey"
                  listen_addr: "127.0.0.1:1000"
                  # Next we define the transform chain that will process messages received by this source
                  chain:
                    # The QueryCounter transform intercepts messages and records metrics on the types of messages that pass through.
                    - QueryCounter:
                        name: "Main chain"
                    # The final transform is a sink, it receives requests from the previous transform and sends them to an actual DB instance.
                    # When it receives a response back it routes the response back through every transform in the chain and finally back to the client.
                    - ValkeySinkSingle:
                        remote_address: "127.0.0.1:6379"
                        connect_timeout_ms: 3000

              # A second source definition, this time we lack the QueryCounter transform.
              - Valkey:
                  name: "valkey"
                  listen_addr: "127.0.0.1:1001"
                  chain:
                    - ValkeySinkSingle:
                        remote_address: "127.0.0.1:6379"
                        connect_timeout_ms: 3000
            """;

    @Test
    void documentedExampleTopologyLoadsUnchanged() {
        TopologyConfig topology = loader.parseTopology(DOCUMENTED_TOPOLOGY, "topology.yaml");

        assertThat(topology.sources()).hasSize(2);
        ValkeySourceConfig first = (ValkeySourceConfig) topology.sources().get(0);
        assertThat(first.protocol()).isEqualTo(Protocol.VALKEY);
        assertThat(first.name()).isEqualTo("valkey");
        assertThat(first.listenAddr()).isEqualTo("127.0.0.1:1000");
        assertThat(first.chain()).containsExactly(
                new QueryCounterConfig("Main chain"),
                new ValkeySinkSingleConfig(null, "127.0.0.1:6379", null, 3000, null));

        ValkeySourceConfig second = (ValkeySourceConfig) topology.sources().get(1);
        assertThat(second.listenAddr()).isEqualTo("127.0.0.1:1001");
        assertThat(second.chain()).containsExactly(
                new ValkeySinkSingleConfig(null, "127.0.0.1:6379", null, 3000, null));
    }

    @Test
    void sourceDefaultsMatchShotover() {
        TopologyConfig topology = loader.parseTopology("""
                sources:
                  - Valkey:
                      name: valkey
                      listen_addr: 127.0.0.1:6379
                      chain: [NullSink]
                """, "<string>");

        SourceConfig source = topology.sources().get(0);
        assertThat(source.connectionLimit()).isEqualTo(512);
        assertThat(source.hardConnectionLimit()).isFalse();
        assertThat(source.tls()).isNull();
        assertThat(source.timeout()).isNull();
    }

    @Test
    void explicitSourceSettingsOverrideDefaults() {
        TopologyConfig topology = loader.parseTopology("""
                sources:
                  - Valkey:
                      name: valkey
                      listen_addr: 127.0.0.1:6379
                      connection_limit: 3
                      hard_connection_limit: true
                      timeout: 60
                      tls:
                        certificate_path: tls/localhost.crt
                        private_key_path: tls/localhost.key
                      chain: [NullSink]
                """, "<string>");

        SourceConfig source = topology.sources().get(0);
        assertThat(source.connectionLimit()).isEqualTo(3);
        assertThat(source.hardConnectionLimit()).isTrue();
        assertThat(source.timeout()).isEqualTo(60L);
        assertThat(source.tls()).isEqualTo(new TlsAcceptorConfig("tls/localhost.crt", "tls/localhost.key", null));
    }

    @Test
    void transformsWithoutFieldsMayBeBareStrings() {
        TopologyConfig topology = loader.parseTopology("""
                sources:
                  - Valkey:
                      name: valkey
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - QueryCounter: {name: counter}
                        - NullSink:
                        - NullSink
                """, "<string>");

        assertThat(topology.sources().get(0).chain()).containsExactly(
                new QueryCounterConfig("counter"), new NullSinkConfig(null), new NullSinkConfig(null));
    }

    @Test
    void historicNamesAreAccepted() {
        TopologyConfig topology = loader.parseTopology("""
                sources:
                  - Redis:
                      name: redis
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - Tee:
                            http_api_port: 1234
                            chain:
                              - Null
                        - RedisSinkSingle:
                            remote_address: 127.0.0.1:6380
                """, "<string>");

        SourceConfig source = topology.sources().get(0);
        assertThat(source).isInstanceOf(ValkeySourceConfig.class);
        assertThat(source.name()).isEqualTo("redis");
        TeeConfig tee = (TeeConfig) source.chain().get(0);
        assertThat(tee.switchPort()).isEqualTo(1234);
        assertThat(tee.chain()).containsExactly(new NullSinkConfig(null));
        assertThat(source.chain().get(1))
                .isEqualTo(new ValkeySinkSingleConfig(null, "127.0.0.1:6380", null, 3000, null));
    }

    @Test
    void unknownFieldNamesTheFileLineColumnAndPath() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Valkey:
                      name: valkey
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - QueryCounter: {name: counter}
                        - ValkeySinkSingle:
                            remote_adress: 127.0.0.1:6380
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        topology.yaml:8:13: sources[0].Valkey.chain[1].ValkeySinkSingle: unknown field \
                        'remote_adress'; expected one of: name, remote_address, tls, connect_timeout_ms, read_timeout
                        topology.yaml:8:13: sources[0].Valkey.chain[1].ValkeySinkSingle: missing field \
                        'remote_address'""");
    }

    @Test
    void unknownTransformListsTheKnownNames() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Valkey:
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - ValkeySinkSingel:
                            remote_address: 127.0.0.1:6380
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topology.yaml:5:11: sources[0].Valkey.chain[0]: unknown transform 'ValkeySinkSingel'; "
                        + "known transforms: DebugReturner, NullSink, QueryCounter, QueryTypeFilter, "
                        + "RequestThrottling, Tee, ValkeySinkSingle");
    }

    @Test
    void unknownSourceTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - OpenSearch:
                      listen_addr: 127.0.0.1:9200
                      chain: [NullSink]
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topology.yaml:2:5: sources[0]: unknown variant 'OpenSearch'; "
                        + "expected one of: Valkey, Cassandra, Kafka");
    }

    @Test
    void cassandraSourceDefaultsAndItsProtocolVersionBound() {
        TopologyConfig topology = loader.parseTopology("""
                sources:
                  - Cassandra:
                      listen_addr: 127.0.0.1:9042
                      transport: Tcp
                      chain: [NullSink]
                """, "topology.yaml");
        CassandraSourceConfig source = (CassandraSourceConfig) topology.sources().get(0);
        assertThat(source.name()).isEqualTo("cassandra");
        assertThat(source.maxProtocolVersion()).isEqualTo(5);
        assertThat(source.protocol()).isEqualTo(dev.shotover.api.Protocol.CASSANDRA);

        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Cassandra:
                      listen_addr: 127.0.0.1:9042
                      max_protocol_version: 6
                      chain: [NullSink]
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topology.yaml:3:7: sources[0].Cassandra: max_protocol_version must be between 3 and 5, "
                        + "not 6");
    }

    @Test
    void wrongTypesAreReportedWithWhatWasFound() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Valkey:
                      listen_addr: [127.0.0.1, 6379]
                      hard_connection_limit: yes
                      connection_limit: "512"
                      timeout: 1.5
                      chain:
                        - ValkeySinkSingle:
                            remote_address: 127.0.0.1:6380
                            connect_timeout_ms: 3000000000
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        topology.yaml:3:20: sources[0].Valkey.listen_addr: expected a string, found a list
                        topology.yaml:4:30: sources[0].Valkey.hard_connection_limit: expected a boolean, found \
                        string "yes"
                        topology.yaml:5:25: sources[0].Valkey.connection_limit: expected an integer, found string \
                        "512"
                        topology.yaml:6:16: sources[0].Valkey.timeout: expected an integer, found float 1.5
                        topology.yaml:10:33: sources[0].Valkey.chain[0].ValkeySinkSingle.connect_timeout_ms: \
                        integer 3000000000 is out of range (-2147483648..2147483647)""");
    }

    @Test
    void missingRequiredFieldsAreReportedAtTheirMap() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Valkey:
                      name: valkey
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        topology.yaml:3:7: sources[0].Valkey: missing field 'listen_addr'
                        topology.yaml:3:7: sources[0].Valkey: missing field 'chain'""");
    }

    @Test
    void problemsAcrossTheFileAreReportedTogetherInOrder() {
        ConfigException error = catchConfigException("""
                sources:
                  - Valkey:
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - RequestThrottling: {max_requests_per_second: 10}
                        - NullSink: {nmae: sink}
                  - Valkey:
                      listen_addr: 127.0.0.1:6380
                      conection_limit: 3
                      chain:
                        - Tee:
                            chain:
                              - QueryTypeFilter: {filter: Reed}
                              - NullSink
                """);

        assertThat(error.problems()).extracting(ConfigProblem::toString).containsExactly(
                "t.yaml:5:30: sources[0].Valkey.chain[0].RequestThrottling: "
                        + "max_requests_per_second must be at least 50",
                "t.yaml:6:22: sources[0].Valkey.chain[1].NullSink: unknown field 'nmae'; expected one of: name",
                "t.yaml:9:7: sources[1].Valkey: unknown field 'conection_limit'; expected one of: name, "
                        + "listen_addr, connection_limit, hard_connection_limit, tls, timeout, chain",
                "t.yaml:13:43: sources[1].Valkey.chain[0].Tee.chain[0].QueryTypeFilter.filter: unknown value "
                        + "'Reed'; expected one of: Read, Write, ReadWrite, SchemaChange, PubSubMessage");
        assertThat(error.getMessage().lines()).hasSize(4);
    }

    @Test
    void transformWithMisindentedFieldsIsExplained() {
        assertThatThrownBy(() -> loader.parseTopology("""
                sources:
                  - Valkey:
                      listen_addr: 127.0.0.1:6379
                      chain:
                        - ValkeySinkSingle:
                          remote_address: 127.0.0.1:6380
                """, "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topology.yaml:5:11: sources[0].Valkey.chain[0]: expected a single-key map "
                        + "{TransformName: {...}}, found 2 keys: ValkeySinkSingle, remote_address");
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        ConfigException error = catchConfigException("""
                sources:
                  - Valkey:
                      listen_addr: 127.0.0.1:6379
                      chain: - NullSink
                """);

        assertThat(error.problems()).hasSize(1);
        ConfigProblem problem = error.problems().get(0);
        assertThat(problem.source()).isEqualTo("t.yaml");
        assertThat(problem.line()).isEqualTo(4);
        assertThat(problem.column()).isEqualTo(14);
        assertThat(problem.message()).startsWith("invalid YAML: sequence entries are not allowed here");
        assertThat(error.getMessage()).startsWith("t.yaml:4:14: invalid YAML: ");
    }

    @Test
    void anEmptyTopologyIsMissingItsSources() {
        assertThatThrownBy(() -> loader.parseTopology("# nothing yet\n", "topology.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topology.yaml:1:1: missing field 'sources'");
    }

    @Test
    void loadsTopologyFromAFileAndNamesTheFileInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("topology.yaml");
        Files.writeString(file, DOCUMENTED_TOPOLOGY, StandardCharsets.UTF_8);
        assertThat(loader.loadTopology(file).sources()).hasSize(2);

        Files.writeString(file, "\uFEFF" + DOCUMENTED_TOPOLOGY, StandardCharsets.UTF_8);
        assertThat(loader.loadTopology(file).sources()).as("with a byte order mark").hasSize(2);

        Files.writeString(file, "sources:\n  - Valkey: {listen_addr: x, chain: [Nul]}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> loader.loadTopology(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2:38: sources[0].Valkey.chain[0]: unknown transform 'Nul'");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("nowhere/topology.yaml");
        assertThatThrownBy(() -> loader.loadTopology(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found");
        assertThatThrownBy(() -> loader.loadSettings(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found");
    }

    @Test
    void settingsFileLoads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                ---
                main_log_level: "info, shotover::connection_span=info"
                observability_interface: "0.0.0.0:9001"
                """, StandardCharsets.UTF_8);

        assertThat(loader.loadSettings(file))
                .isEqualTo(new ProxySettings("info, shotover::connection_span=info", "0.0.0.0:9001"));
    }

    @Test
    void settingsDefaultWhenAbsent() {
        assertThat(loader.parseSettings("", "config.yaml")).isEqualTo(ProxySettings.defaults());
        assertThat(loader.parseSettings("main_log_level: debug\n", "config.yaml"))
                .isEqualTo(new ProxySettings("debug", null));
    }

    @Test
    void unknownSettingIsAnError() {
        assertThatThrownBy(() -> loader.parseSettings("main_log_level: info\nobservability_port: 9001\n",
                "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:2:1: unknown field 'observability_port'; expected one of: main_log_level, "
                        + "observability_interface");
    }

    private ConfigException catchConfigException(String yaml) {
        try {
            loader.parseTopology(yaml, "t.yaml");
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
