package dev.shotover.runtime.tls;

/**
 * A {@code tls:} setting cannot be used: a file is missing, unreadable or does not hold what the setting needs, or
 * settings that go together are not given together.
 *
 * <p>The message is one line, {@code tls.<field>: <path>: <reason>}, e.g.
 * {@code tls.certificate_path: /etc/shotover/server.pem: no such file}; the path is left out when the problem is not
 * about one file.
 */
public final class TlsSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String path;
    private final String reason;

    /**
     * @param field the YAML name of the setting inside {@code tls:}, e.g. {@code certificate_path}
     * @param path the file as configured, or null when the problem is not about one file
     * @param reason what is wrong, without a trailing period
     */
    public TlsSettingsException(String field, String path, String reason) {
        this(field, path, reason, null);
    }

    public TlsSettingsException(String field, String path, String reason, Throwable cause) {
        super("tls." + field + ": " + (path == null ? "" : path + ": ") + reason, cause);
        this.field = field;
        this.path = path;
        this.reason = reason;
    }

    /** The YAML name of the setting inside {@code tls:}, e.g. {@code private_key_path}. */
    public String field() {
        return field;
    }

    /** The file as configured, or null. */
    public String path() {
        return path;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
