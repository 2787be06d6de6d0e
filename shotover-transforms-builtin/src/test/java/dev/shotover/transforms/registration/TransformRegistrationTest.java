package dev.shotover.transforms.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.transforms.counter.QueryCounterConfig;
import dev.shotover.transforms.debug.DebugPrinterConfig;
import dev.shotover.transforms.debug.DebugReturnerConfig;
import dev.shotover.transforms.filter.QueryTypeFilterConfig;
import dev.shotover.transforms.nullsink.NullSinkConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The runtime finds transforms with ServiceLoader; this checks the generated service file lists ours. */
class TransformRegistrationTest {

    @Test
    void factoriesAreDiscoverableByServiceLoader() {
        Map<String, Class<? extends TransformConfig>> byName = new HashMap<>();
        for (TransformFactory factory : ServiceLoader.load(TransformFactory.class)) {
            byName.put(factory.typeName(), factory.configType());
            factory.aliases().forEach(alias -> byName.put(alias, factory.configType()));
        }

        assertThat(byName)
                .containsEntry("NullSink", NullSinkConfig.class)
                .containsEntry("Null", NullSinkConfig.class)
                .containsEntry("DebugPrinter", DebugPrinterConfig.class)
                .containsEntry("DebugReturner", DebugReturnerConfig.class)
                .containsEntry("QueryCounter", QueryCounterConfig.class)
                .containsEntry("QueryTypeFilter", QueryTypeFilterConfig.class);
    }
}
