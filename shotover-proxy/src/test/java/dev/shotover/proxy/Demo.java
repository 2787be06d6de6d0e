package dev.shotover.proxy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.config.ProxySettings;
import dev.shotover.testsupport.RedisServer;
import java.util.concurrent.CountDownLatch;

/**
 * The README's first command ({@code ./demo}): a local Redis (Debian's redis-server when installed, otherwise the
 * embedded binary from Maven Central) with the proxy in front of it on 127.0.0.1:6380, metrics on 127.0.0.1:9001.
 * Runs until Ctrl-C.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws InterruptedException {
        int proxyPort = args.length > 0 ? Integer.parseInt(args[0]) : 6380;
        RedisServer redis = RedisServer.start();
        ShotoverProxy proxy = ShotoverProxy.builder()
                .topologyYaml("""
                        sources:
                          - Valkey:
                              name: "valkey"
                              listen_addr: "127.0.0.1:%d"
                              chain:
                                - QueryCounter:
                                    name: "counter"
                                    counter_name: "demo"
                                - ValkeySinkSingle:
                                    name: "valkey-sink"
                                    remote_address: "127.0.0.1:%d"
                        """.formatted(proxyPort, redis.port()))
                .settings(new ProxySettings("info", "127.0.0.1:9001"))
                .start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            redis.close();
            stop.countDown();
        }));
        System.out.printf("%nRedis (%s) is on 127.0.0.1:%d; Shotover proxies it on 127.0.0.1:%d.%n"
                + "Try: redis-cli -p %d set hello world%n"
                + "     curl -s 127.0.0.1:9001/metrics | grep shotover_query_count%n"
                + "Ctrl-C stops both.%n%n", redis.kind(), redis.port(), proxyPort, proxyPort);
        stop.await();
    }
}
