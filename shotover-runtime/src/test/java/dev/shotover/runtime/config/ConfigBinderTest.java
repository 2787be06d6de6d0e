package dev.shotover.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.QueryType;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import dev.shotover.runtime.config.FakeTransforms.AllowList;
import dev.shotover.runtime.config.FakeTransforms.DebugReturnerConfig;
import dev.shotover.runtime.config.FakeTransforms.DenyList;
import dev.shotover.runtime.config.FakeTransforms.Fail;
import dev.shotover.runtime.config.FakeTransforms.FailOnMismatch;
import dev.shotover.runtime.config.FakeTransforms.Ignore;
import dev.shotover.runtime.config.FakeTransforms.NullSinkConfig;
import dev.shotover.runtime.config.FakeTransforms.QueryTypeFilterConfig;
import dev.shotover.runtime.config.FakeTransforms.RequestThrottlingConfig;
import dev.shotover.runtime.config.FakeTransforms.SubchainOnMismatch;
import dev.shotover.runtime.config.FakeTransforms.TeeConfig;
import dev.shotover.runtime.config.FakeTransforms.ValkeyResponse;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

    private final ConfigLoader loader = new ConfigLoader(FakeTransforms.registry());

    @Test
    void flattenedVariantTakesItsValueFromTheTransformsMap() {
        assertThat(chain("- DebugReturner: {Valkey: \"42\"}"))
                .containsExactly(new DebugReturnerConfig(null, new ValkeyResponse("42")));
    }

    @Test
    void flattenedVariantMayBeGivenUnderItsAlias() {
        assertThat(chain("- DebugReturner:\n    Redis: \"42\"\n    name: dr"))
                .containsExactly(new DebugReturnerConfig("dr", new ValkeyResponse("42")));
    }

    @Test
    void bareStringBodyNamesTheFlattenedVariant() {
        assertThat(chain("- DebugReturner: Fail")).containsExactly(new DebugReturnerConfig(null, new Fail()));
        assertThat(chain("- DebugReturner: {Fail: ~}")).containsExactly(new DebugReturnerConfig(null, new Fail()));
    }

    @Test
    void requiredFlattenedVariantMustBeGiven() {
        assertThatThrownBy(() -> chain("- DebugReturner"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:3: [0].DebugReturner: missing one of: Valkey, Fail");
    }

    @Test
    void onlyOneFlattenedVariantMayBeGiven() {
        assertThatThrownBy(() -> chain("- DebugReturner: {Valkey: \"42\", Fail: ~}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:33: [0].DebugReturner: 'Fail' conflicts with 'Valkey': only one of Valkey, "
                        + "Fail may be given");
    }

    @Test
    void bareStringBodyMustNameAVariant() {
        assertThat(chain("- DebugReturner: Valkey"))
                .as("a variant whose components are all optional may be named alone")
                .containsExactly(new DebugReturnerConfig(null, new ValkeyResponse(null)));
        assertThatThrownBy(() -> chain("- DebugReturner: Fial"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:18: [0].DebugReturner: unknown variant 'Fial'; expected one of: Valkey, Fail");
    }

    @Test
    void queryTypeFilterTakesAFlattenedDenyList() {
        assertThat(chain("- QueryTypeFilter:\n    DenyList: [Write]"))
                .containsExactly(new QueryTypeFilterConfig(null, new DenyList(List.of(QueryType.WRITE)), null));
        assertThat(chain("- QueryTypeFilter: {AllowList: [Read, read_write, PUB_SUB_MESSAGE]}"))
                .containsExactly(new QueryTypeFilterConfig(null,
                        new AllowList(List.of(QueryType.READ, QueryType.READ_WRITE, QueryType.PUB_SUB_MESSAGE)),
                        null));
    }

    @Test
    void queryTypeFilterTakesTheOlderFilterForm() {
        List<TransformConfig> chain = chain("- QueryTypeFilter:\n    filter: Read");

        QueryTypeFilterConfig filter = (QueryTypeFilterConfig) chain.get(0);
        assertThat(filter.filter()).isEqualTo(QueryType.READ);
        assertThat(filter.mode()).isEqualTo(new DenyList(List.of(QueryType.READ)));
    }

    @Test
    void compactConstructorFailureBecomesAProblemAtTheRecord() {
        assertThatThrownBy(() -> chain("- QueryTypeFilter:\n    filter: Read\n    DenyList: [Write]"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:2:5: [0].QueryTypeFilter: give either 'filter' or one of DenyList, AllowList, "
                        + "not both");
    }

    @Test
    void sealedComponentTakesUnitAndNewtypeVariants() {
        TeeConfig failing = (TeeConfig) chain("- Tee: {behavior: FailOnMismatch, chain: [NullSink]}").get(0);
        assertThat(failing.behavior()).isEqualTo(new FailOnMismatch());
        assertThat(failing.bufferSize()).isEqualTo(5);

        TeeConfig defaulted = (TeeConfig) chain("- Tee: {chain: [NullSink]}").get(0);
        assertThat(defaulted.behavior()).isEqualTo(new Ignore());

        TeeConfig withSubchain = (TeeConfig) chain("""
                - Tee:
                    behavior:
                      SubchainOnMismatch:
                        - QueryTypeFilter:
                            filter: Read
                        - Null
                    timeout_micros: 1000
                    buffer_size: 10000
                    chain:
                      - QueryTypeFilter:
                          filter: Read
                      - Null
                """).get(0);
        QueryTypeFilterConfig readFilter = new QueryTypeFilterConfig(null, null, QueryType.READ);
        assertThat(withSubchain.behavior())
                .isEqualTo(new SubchainOnMismatch(List.of(readFilter, new NullSinkConfig(null))));
        assertThat(withSubchain.timeoutMicros()).isEqualTo(1000L);
        assertThat(withSubchain.bufferSize()).isEqualTo(10000);
        assertThat(withSubchain.chain()).containsExactly(readFilter, new NullSinkConfig(null));
    }

    @Test
    void problemsInsideSubChainsNameTheWholePath() {
        assertThatThrownBy(() -> chain("""
                - Tee:
                    behavior: {Ignor: ~}
                    chain:
                      - Null
                      - ValkeySinkSingle: {}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        <string>:2:16: [0].Tee.behavior: unknown variant 'Ignor'; expected one of: Ignore, \
                        FailOnMismatch, SubchainOnMismatch
                        <string>:5:27: [0].Tee.chain[1].ValkeySinkSingle: missing field 'remote_address'""");
    }

    @Test
    void aFieldGivenUnderTwoNamesIsAnError() {
        assertThatThrownBy(() -> chain("- Tee: {switch_port: 1, http_api_port: 2, chain: [Null]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:25: [0].Tee: field 'http_api_port' is given twice (also as 'switch_port')");
        assertThatThrownBy(() -> chain("- Null: {name: a, name: b}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:19: [0].Null: duplicate field 'name'");
    }

    @Test
    void primitiveComponentsAreRequired() {
        assertThat(chain("- RequestThrottling: {max_requests_per_second: 20000}"))
                .containsExactly(new RequestThrottlingConfig(null, 20000));
        assertThatThrownBy(() -> chain("- RequestThrottling"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:3: [0].RequestThrottling: missing field 'max_requests_per_second'");
    }

    @Test
    void nullMeansAbsent() {
        assertThat(chain("- ValkeySinkSingle: {remote_address: a, connect_timeout_ms: ~, tls: null}"))
                .containsExactly(new FakeTransforms.ValkeySinkSingleConfig(null, "a", null, 3000, null));
    }

    @Test
    void chainElementsMustBeTransforms() {
        assertThatThrownBy(() -> chain("- [NullSink]\n- {}\n- ~"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        <string>:1:3: [0]: expected a transform, as TransformName or {TransformName: {...}}, found \
                        a list
                        <string>:2:3: [1]: expected a transform, as TransformName or {TransformName: {...}}, found \
                        an empty map
                        <string>:3:3: [2]: expected a transform, found null""");
    }

    @Test
    void nonStandardTagsAreRejected() {
        assertThatThrownBy(() -> chain("- ValkeySinkSingle: {remote_address: !secret a}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:1:38: [0].ValkeySinkSingle.remote_address: unsupported YAML tag '!secret'");
    }

    /** Exercises the scalar and container rules on a record made for the purpose. */
    enum Consistency { ONE, LOCAL_QUORUM }

    record Node(@ConfigName("addr") String address, double weight) {
    }

    @ConfigName("Tagged")
    @ConfigAliases("Labelled")
    record Tagged(String label, int priority) implements Shape {
    }

    record Plain() implements Shape {
    }

    sealed interface Shape permits Tagged, Plain {
    }

    record Everything(
            long big,
            Boolean enabled,
            Consistency consistency,
            Map<String, Node> nodes,
            List<List<Integer>> grid,
            @ConfigAliases("old_shape") Shape shape,
            String version) {
    }

    @Test
    void scalarsContainersAndVariantsBind() {
        Everything everything = loader.parse("""
                big: 0x7fffffffffffffff
                enabled: True
                consistency: LocalQuorum
                nodes:
                  a: {addr: 10.0.0.1, weight: 1}
                  b: {addr: 10.0.0.2, weight: .5}
                grid: [[1, 2], [0o17]]
                old_shape: {Labelled: {label: x, priority: -3}}
                version: 1.0
                """, Everything.class, "<string>");

        assertThat(everything.big()).isEqualTo(Long.MAX_VALUE);
        assertThat(everything.enabled()).isTrue();
        assertThat(everything.consistency()).isEqualTo(Consistency.LOCAL_QUORUM);
        assertThat(everything.nodes()).containsExactly(
                Map.entry("a", new Node("10.0.0.1", 1.0)), Map.entry("b", new Node("10.0.0.2", 0.5)));
        assertThat(everything.grid()).isEqualTo(List.of(List.of(1, 2), List.of(15)));
        assertThat(everything.shape()).isEqualTo(new Tagged("x", -3));
        assertThat(everything.version()).isEqualTo("1.0");
    }

    @Test
    void severalComponentVariantRejectsABareName() {
        assertThat(loader.parse("big: 1\nshape: Plain", Everything.class, "<string>").shape())
                .isEqualTo(new Plain());
        assertThatThrownBy(() -> loader.parse("big: 1\nshape: Tagged", Everything.class, "<string>"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:2:8: shape.Tagged: variant 'Tagged' needs a value: {Tagged: ...}");
        assertThatThrownBy(() -> loader.parse("big: 1\nshape: {Plain: 3}", Everything.class, "<string>"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:2:16: shape.Plain: variant 'Plain' takes no value, found integer 3");
        assertThatThrownBy(() -> loader.parse("big: 1\nshape: {Plain: ~, Tagged: ~}", Everything.class, "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("x:2:8: shape: expected a single-key map naming one of: Tagged, Plain, found 2 keys");
    }

    @Test
    void containersReportTheirElementsPaths() {
        assertThatThrownBy(() -> loader.parse("""
                big: -9223372036854775809
                consistency: TWO
                nodes:
                  a: {addr: x}
                  a: {addr: y, weight: 2}
                grid: [[1, "2"], 3, [~]]
                """, Everything.class, "e.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        e.yaml:1:6: big: integer -9223372036854775809 is out of range \
                        (-9223372036854775808..9223372036854775807)
                        e.yaml:2:14: consistency: unknown value 'TWO'; expected one of: One, LocalQuorum
                        e.yaml:4:6: nodes.a: missing field 'weight'
                        e.yaml:5:3: nodes: duplicate key 'a'
                        e.yaml:6:12: grid[0][1]: expected an integer, found string "2"
                        e.yaml:6:18: grid[1]: expected a list, found integer 3
                        e.yaml:6:22: grid[2][0]: expected an integer, found null""");
    }

    private List<TransformConfig> chain(String yaml) {
        @SuppressWarnings("unchecked")
        List<TransformConfig> chain = (List<TransformConfig>) loader.parse(yaml, chainType(), "<string>");
        return chain;
    }

    private static Type chainType() {
        for (var component : ValkeySourceConfig.class.getRecordComponents()) {
            if (component.getName().equals("chain")) {
                return component.getGenericType();
            }
        }
        throw new AssertionError("ValkeySourceConfig has no chain");
    }
}
