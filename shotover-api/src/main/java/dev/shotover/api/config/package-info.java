/**
 * How YAML binds to transform configs.
 *
 * <p>A config is a record. Each YAML key binds to the record component of the same name in camelCase
 * ({@code connect_timeout_ms} → {@code connectTimeoutMs}); {@link dev.shotover.api.config.ConfigName} overrides the
 * name and {@link dev.shotover.api.config.ConfigAliases} accepts historic names. Unknown keys are errors.
 *
 * <ul>
 *   <li>Primitive components are required. Reference components are optional (null when absent) unless annotated
 *       {@link dev.shotover.api.config.Required}. Apply defaults in the record's compact constructor.</li>
 *   <li>Supported component types: {@code String}, {@code boolean}, {@code int}, {@code long}, {@code double} and
 *       their boxes, enums (matched ignoring case and underscores, so {@code ReadWrite} binds to
 *       {@code READ_WRITE}), {@code List<T>}, {@code Map<String, T>}, nested records, sealed interfaces of records,
 *       and {@code List<TransformConfig>} for sub-chains.</li>
 *   <li>A sealed interface binds like Shotover's (serde's) externally tagged enums: a bare string names a variant
 *       without components; a single-key map {@code {Variant: value}} names a variant, where a variant with one
 *       component takes the value directly and one with several takes a map.</li>
 *   <li>A component annotated {@link dev.shotover.api.config.Flatten} takes its variant key from the enclosing map,
 *       as in {@code - DebugReturner: {Valkey: "42"}}.</li>
 * </ul>
 */
package dev.shotover.api.config;
