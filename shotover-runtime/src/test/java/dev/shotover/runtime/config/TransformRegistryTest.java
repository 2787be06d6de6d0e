package dev.shotover.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.TransformFactory;
import dev.shotover.runtime.config.FakeTransforms.NullSinkConfig;
import dev.shotover.runtime.config.FakeTransforms.ValkeySinkSingleConfig;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformRegistryTest {

    @Test
    void looksUpByTypeNameAndAlias() {
        TransformRegistry registry = FakeTransforms.registry();

        assertThat(registry.lookup("ValkeySinkSingle")).get()
                .isInstanceOf(FakeTransforms.ValkeySinkSingleFactory.class);
        assertThat(registry.lookup("RedisSinkSingle")).get()
                .isInstanceOf(FakeTransforms.ValkeySinkSingleFactory.class);
        assertThat(registry.lookup("valkeysinksingle")).isEmpty();
    }

    @Test
    void knownNamesAreSortedTypeNamesWithoutAliases() {
        assertThat(FakeTransforms.registry().knownNames()).containsExactly("DebugReturner", "NullSink",
                "QueryCounter", "QueryTypeFilter", "RequestThrottling", "Tee", "ValkeySinkSingle");
    }

    @Test
    void typeNameOfUsesTheFactoryOrTheClassName() {
        TransformRegistry registry = FakeTransforms.registry();
        assertThat(registry.typeNameOf(ValkeySinkSingleConfig.class)).isEqualTo("ValkeySinkSingle");
        assertThat(TransformRegistry.empty().typeNameOf(ValkeySinkSingleConfig.class)).isEqualTo("ValkeySinkSingle");
        assertThat(TransformRegistry.empty().typeNameOf(FakeTransforms.Unbuilt.class)).isEqualTo("Unbuilt");
    }

    @Test
    void withReturnsANewRegistryAndLeavesTheOriginalAlone() {
        TransformRegistry base = TransformRegistry.of(new FakeTransforms.NullSinkFactory());
        TransformRegistry extended = base.with(new FakeTransforms.TeeFactory());

        assertThat(base.knownNames()).containsExactly("NullSink");
        assertThat(extended.knownNames()).containsExactly("NullSink", "Tee");
        assertThat(extended.with(new FakeTransforms.TeeFactory()).knownNames())
                .as("the same factory class registered again changes nothing")
                .containsExactly("NullSink", "Tee");
    }

    @Test
    void duplicateNamesAcrossFactoriesFailNamingBoth() {
        assertThatThrownBy(() -> FakeTransforms.registry().with(new FakeTransforms.ImpostorSinkFactory()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transform name 'ValkeySinkSingle' is registered by both "
                        + FakeTransforms.ValkeySinkSingleFactory.class.getName() + " and "
                        + FakeTransforms.ImpostorSinkFactory.class.getName());
    }

    @Test
    void aliasClashingWithAnotherTypeNameFails() {
        TransformFactory claimsNull = new TransformFactory() {
            @Override
            public String typeName() {
                return "Null";
            }

            @Override
            public Class<NullSinkConfig> configType() {
                return NullSinkConfig.class;
            }
        };
        assertThatThrownBy(() -> TransformRegistry.of(new FakeTransforms.NullSinkFactory(), claimsNull))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transform name 'Null' is registered by both");
    }

    @Test
    void discoversFactoriesThroughServiceLoader(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(TransformFactory.class.getName()),
                "# test providers\n" + FakeTransforms.TeeFactory.class.getName() + "\n"
                        + FakeTransforms.NullSinkFactory.class.getName() + "\n",
                StandardCharsets.UTF_8);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            TransformRegistry registry = TransformRegistry.discover(loader);
            assertThat(registry.knownNames()).contains("NullSink", "Tee");
            assertThat(registry.lookup("Null")).get().isInstanceOf(FakeTransforms.NullSinkFactory.class);
        }
    }
}
