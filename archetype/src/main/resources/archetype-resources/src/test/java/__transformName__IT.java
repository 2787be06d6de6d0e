package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.ProxyTester;
import dev.shotover.testsupport.RedisServer;
import dev.shotover.testsupport.ValkeyTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transform in a proxy started in this JVM, in front of a real Redis server (redis-server from the PATH, else a
 * container or an embedded binary; the test fails, never skips, when none starts). The proxy finds the transform by
 * its YAML name, exactly as the proxy jar does.
 */
class ${transformName}IT {

    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void getRepliesComeBackWithTheSuffix() {
        try (ProxyTester proxy = ProxyTester.valkeyInFrontOf(redis, "${transformName}: {suffix: \" (via shotover)\"}");
             ValkeyTestClient client = proxy.valkeyClient()) {
            assertThat(client.call("SET", "greeting", "hello")).isEqualTo(ValkeyFrame.ok());
            assertThat(client.callForString("GET", "greeting")).isEqualTo("hello (via shotover)");
            assertThat(client.callForString("GET", "missing")).isNull();
        }
        logs.assertNoUnexpectedWarnOrError();
    }
}
