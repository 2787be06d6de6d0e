package dev.shotover.runtime.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Shotover's command line, parsed. Flags and defaults match Shotover's binary; {@code --check} is ours.
 */
public record CliOptions(Path topologyFile, Path configFile, Integer coreThreads, String logFormat, boolean check,
                         boolean help, String hotReloadSocket) {

    public static final String USAGE = String.join("\n",
            "Shotover: a layer-7 proxy for Valkey/Redis, Cassandra and Kafka.",
            "",
            "Usage: java -jar shotover-proxy.jar [OPTIONS]",
            "",
            "Options:",
            "  -t, --topology-file <FILE>   the topology [default: config/topology.yaml]",
            "  -c, --config-file <FILE>     process settings [default: config/config.yaml]",
            "      --core-threads <N>       event-loop threads [default: the number of cores]",
            "      --log-format <FORMAT>    human or json [default: human]",
            "      --check                  validate the topology and config files, print the result and exit",
            "      --hotreload-socket <PATH>",
            "      --hotreload-gradual-shutdown-seconds <SECONDS>",
            "                               hot reload is not supported yet: --hotreload-socket makes the proxy",
            "                               refuse to start; the shutdown duration is accepted and ignored",
            "      --stack-size <BYTES>     accepted for compatibility with Shotover; ignored",
            "  -h, --help                   print this help");

    /** @throws IllegalArgumentException with a message for the user when the arguments are wrong */
    public static CliOptions parse(String... args) {
        Path topology = Path.of("config/topology.yaml");
        Path config = Path.of("config/config.yaml");
        Integer coreThreads = null;
        String logFormat = "human";
        boolean check = false;
        boolean help = false;
        String hotReload = null;
        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--check" -> check = true;
                case "-t", "--topology-file" -> {
                    value = value != null ? value : next(rest, ++i, arg);
                    topology = Path.of(value);
                }
                case "-c", "--config-file" -> {
                    value = value != null ? value : next(rest, ++i, arg);
                    config = Path.of(value);
                }
                case "--core-threads" -> {
                    value = value != null ? value : next(rest, ++i, arg);
                    try {
                        coreThreads = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--core-threads expects a number but got '" + value + "'");
                    }
                    if (coreThreads < 1) {
                        throw new IllegalArgumentException("--core-threads must be at least 1");
                    }
                }
                case "--log-format" -> {
                    value = value != null ? value : next(rest, ++i, arg);
                    if (!value.equals("human") && !value.equals("json")) {
                        throw new IllegalArgumentException("--log-format must be human or json but was '" + value + "'");
                    }
                    logFormat = value;
                }
                case "--hotreload-socket" -> hotReload = value != null ? value : next(rest, ++i, arg);
                case "--hotreload-gradual-shutdown-seconds", "--stack-size" -> {
                    if (value == null) {
                        next(rest, ++i, arg);
                    }
                }
                default -> throw new IllegalArgumentException("unexpected argument '" + rest.get(i) + "'");
            }
        }
        return new CliOptions(topology, config, coreThreads, logFormat, check, help, hotReload);
    }

    private static String next(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(index);
    }
}
