package dev.shotover.runtime.config;

/**
 * {@code config.yaml}: process-wide settings.
 *
 * @param mainLogLevel the log filter in Shotover's syntax, e.g. {@code "info, shotover=debug"}
 * @param observabilityInterface {@code ip:port} serving {@code /metrics} and {@code /filter}, or null for none
 */
public record ProxySettings(String mainLogLevel, String observabilityInterface) {
    public ProxySettings {
        mainLogLevel = mainLogLevel == null ? "info" : mainLogLevel;
        if (observabilityInterface != null) {
            try {
                dev.shotover.runtime.net.HostAndPort.parse(observabilityInterface);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("observability_interface: " + e.getMessage(), e);
            }
        }
    }

    /** What an empty {@code config.yaml} means: {@code info} logging and no observability interface. */
    public static ProxySettings defaults() {
        return new ProxySettings(null, null);
    }
}
