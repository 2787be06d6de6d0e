package dev.shotover.examples.getrewrite;

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
 * Shotover's custom-transform example test, through a real redis-server: the transform is found on the class path
 * by its YAML name ({@code META-INF/services} written by {@code @AutoService}), as in production.
 */
class ValkeyGetRewriteIT {

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
    void rewritesGetRepliesAndLogsNoWarnings() {
        try (ProxyTester proxy = ProxyTester.valkeyInFrontOf(redis, """
                ValkeyGetRewrite:
                  result: "Rewritten value"
                """)) {
            try (ValkeyTestClient client = proxy.valkeyClient()) {
                assertThat(client.call("SET", "foo", "some value")).isEqualTo(ValkeyFrame.ok());
                assertThat(client.callForString("GET", "foo")).isEqualTo("Rewritten value");
                assertThat(client.callForString("GET", "bar")).isEqualTo("Rewritten value");
            }
            // The SET really reached Redis unchanged; only the GET replies were replaced.
            try (ValkeyTestClient direct = ValkeyTestClient.connect(redis.address())) {
                assertThat(direct.callForString("GET", "foo")).isEqualTo("some value");
                assertThat(direct.callForString("GET", "bar")).isNull();
            }
        }
        // After shutdown, as Shotover's example test does.
        logs.assertNoUnexpectedWarnOrError();
    }

    @Test
    void pipelinedRequestsArePairedByIdThroughTheRealSink() {
        try (ProxyTester proxy = ProxyTester.valkeyInFrontOf(redis, "ValkeyGetRewrite: {result: x}");
             ValkeyTestClient client = proxy.valkeyClient()) {
            assertThat(client.pipeline(java.util.List.of(
                    java.util.List.of("SET", "p", "1"),
                    java.util.List.of("GET", "p"),
                    java.util.List.of("INCR", "p"),
                    java.util.List.of("GET", "p"))))
                    .containsExactly(ValkeyFrame.ok(), ValkeyFrame.bulk("x"), new ValkeyFrame.Integer(2),
                            ValkeyFrame.bulk("x"));
        }
        logs.assertNoUnexpectedWarnOrError();
    }
}
