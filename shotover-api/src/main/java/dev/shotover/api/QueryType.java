package dev.shotover.api;

/**
 * How a request is classified, as used by {@code QueryTypeFilter} and {@code QueryCounter}. The YAML names are
 * Shotover's: {@code Read}, {@code Write}, {@code ReadWrite}, {@code SchemaChange}, {@code PubSubMessage}.
 */
public enum QueryType {
    /** Reads data or metadata ({@code Read}). */
    READ("Read"),
    /** Changes data ({@code Write}). */
    WRITE("Write"),
    /** Both reads and changes state ({@code ReadWrite}). */
    READ_WRITE("ReadWrite"),
    /** Changes the schema or cluster configuration ({@code SchemaChange}). */
    SCHEMA_CHANGE("SchemaChange"),
    /** A published message ({@code PubSubMessage}). */
    PUB_SUB_MESSAGE("PubSubMessage");

    private final String yamlName;

    QueryType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** {@return the name used in topology files} */
    public String yamlName() {
        return yamlName;
    }
}
