package dev.shotover.runtime.config;

/** The defaults every source applies to its common fields (records cannot inherit a constructor). */
final class SourceDefaults {
    private SourceDefaults() {
    }

    static int connectionLimit(Integer configured) {
        return configured == null ? SourceConfig.DEFAULT_CONNECTION_LIMIT : configured;
    }

    static boolean hardConnectionLimit(Boolean configured) {
        return configured != null && configured;
    }
}
