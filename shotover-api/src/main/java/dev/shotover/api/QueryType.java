package dev.shotover.api;

/**
 * How a request is classified, as used by {@code QueryTypeFilter} and {@code QueryCounter}. The YAML names are
 * Shotover's: {@code Read}, {@code Write}, {@code ReadWrite}, {@code SchemaChange}, {@code PubSubMessage}.
 */
public enum QueryType {
    READ("Read"),
    WRITE("Write"),
    READ_WRITE("ReadWrite"),
    SCHEMA_CHANGE("SchemaChange"),
    PUB_SUB_MESSAGE("PubSubMessage");

    private final String yamlName;

    QueryType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name used in topology files. */
    public String yamlName() {
        return yamlName;
    }
}
