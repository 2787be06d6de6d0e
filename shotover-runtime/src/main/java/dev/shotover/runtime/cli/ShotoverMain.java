package dev.shotover.runtime.cli;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.runtime.chain.TopologyException;
import dev.shotover.runtime.config.ConfigException;
import dev.shotover.runtime.config.ConfigLoader;
import dev.shotover.runtime.config.ProxySettings;
import dev.shotover.runtime.config.TransformRegistry;
import dev.shotover.runtime.observability.LogFilter;
import dev.shotover.runtime.observability.LogFormat;
import dev.shotover.runtime.observability.LoggingSetup;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar shotover-proxy.jar}: loads the topology and config files, starts the proxy and runs until
 * SIGTERM or SIGINT, then drains connections and exits 0. Exits 1 when the files are invalid or a listener cannot be
 * bound, printing every problem.
 */
public final class ShotoverMain {
    private ShotoverMain() {
    }

    public static void main(String[] args) {
        // Before anything logs: Logback then starts from CliLogbackConfigurator instead of parsing logback.xml,
        // which took a fifth of the startup time (docs/performance.md).
        System.setProperty(dev.shotover.runtime.observability.CliLogbackConfigurator.CLI_PROPERTY, "true");
        // Netty samples 1% of buffers for leak tracking by default; that costs 0.3-0.5 us per request on the
        // passthrough path (docs/performance.md). Operators and tests that want it set io.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** The whole CLI, returning the exit code; streams are parameters so tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, true);
    }

    /**
     * As {@link #run(String[], PrintStream, PrintStream)}; with {@code configureLogging} false the process-wide
     * Logback setup is left alone (for tests that run the CLI inside a JVM whose logging they own).
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean configureLogging) {
        CliOptions options;
        try {
            options = CliOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.println(CliOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(CliOptions.USAGE);
            return 0;
        }
        if (options.hotReloadSocket() != null) {
            err.println("error: hot reload (--hotreload-socket) is not supported yet");
            return 1;
        }

        ProxySettings settings;
        try {
            settings = new ConfigLoader(TransformRegistry.discover(ShotoverMain.class.getClassLoader()))
                    .loadSettings(options.configFile());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            // two transform factories on the classpath claim the same YAML name
            err.println("error: " + e.getMessage());
            return 1;
        }
        try {
            if (configureLogging) {
                // like Shotover, RUST_LOG (when set) overrides main_log_level directive by directive
                LoggingSetup.configure(options.logFormat().equals("json") ? LogFormat.JSON : LogFormat.HUMAN,
                        LogFilter.parseAll(settings.mainLogLevel(), System.getenv("RUST_LOG")));
            } else {
                LogFilter.parse(settings.mainLogLevel());
            }
        } catch (IllegalArgumentException e) {
            err.println(options.configFile() + ": main_log_level: " + e.getMessage());
            return 1;
        }
        Logger log = LoggerFactory.getLogger(ShotoverMain.class);

        ShotoverProxy.Builder builder = ShotoverProxy.builder()
                .topologyFile(options.topologyFile())
                .settings(settings)
                .classLoader(ShotoverMain.class.getClassLoader());
        if (options.coreThreads() != null) {
            builder.coreThreads(options.coreThreads());
        }
        ShotoverProxy proxy;
        try {
            proxy = builder.build();
        } catch (ConfigException | TopologyException e) {
            // reported once, on stderr: the proxy never ran, so there is no log stream to look in
            err.println(e.getMessage());
            return 1;
        }
        if (options.check()) {
            out.println("topology " + options.topologyFile() + " and config " + options.configFile() + " are valid");
            proxy.close();
            return 0;
        }

        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                log.info("received SIG{}", s.getName());
                stop.countDown();
            });
        }
        try {
            proxy.start();
        } catch (RuntimeException e) {
            log.error("failed to start: {}", e.getMessage());
            LoggingSetup.shutdown();
            return 1;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("shutting down: draining connections");
        proxy.close();
        log.info("Shotover was shutdown cleanly");
        LoggingSetup.shutdown();
        return 0;
    }
}
