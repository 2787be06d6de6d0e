import io.kroxylicious.proxy.KafkaProxy;
import io.kroxylicious.proxy.config.ConfigParser;
import io.kroxylicious.proxy.config.Configuration;
import io.kroxylicious.proxy.internal.config.Features;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs Kroxylicious, the peer proxy that {@code bench/kafka-passthrough} compares against, from a YAML configuration
 * file until the process is killed.
 *
 * <p>Kroxylicious ships its launcher in {@code io.kroxylicious:kroxylicious-app}, which our Maven mirror does not
 * have; {@code kroxylicious-runtime} (the proxy itself) is there. This does what that launcher does for a plain
 * configuration: parse it, start the proxy, block. Run it in source-file mode with the runtime's class path:
 * {@code java -cp <kroxylicious-runtime class path> bench/kafka-passthrough-kroxylicious.java config.yaml}.
 */
public final class KroxyliciousLauncher {
    private KroxyliciousLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: kafka-passthrough-kroxylicious.java <config.yaml>");
            System.exit(2);
        }
        ConfigParser parser = new ConfigParser();
        Configuration config = parser.parseConfiguration(Files.readString(Path.of(args[0])));
        try (KafkaProxy proxy = new KafkaProxy(parser, config, Features.defaultFeatures())) {
            proxy.startup();
            // the benchmark waits for this line before it connects
            System.out.println("Kroxylicious is now accepting connections");
            System.out.flush();
            proxy.block();
        }
    }
}
