package dev.shotover.runtime.config;

import dev.shotover.api.Protocol;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.ConfigAliases;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import java.util.List;

/** The {@code Valkey} source (also accepted as {@code Redis}): listens for RESP clients. */
@ConfigName("Valkey")
@ConfigAliases("Redis")
public record ValkeySourceConfig(
        String name,
        @Required String listenAddr,
        Integer connectionLimit,
        Boolean hardConnectionLimit,
        TlsAcceptorConfig tls,
        Long timeout,
        @Required List<TransformConfig> chain) implements SourceConfig {

    public ValkeySourceConfig {
        name = name == null ? "valkey" : name;
        connectionLimit = SourceDefaults.connectionLimit(connectionLimit);
        hardConnectionLimit = SourceDefaults.hardConnectionLimit(hardConnectionLimit);
        chain = List.copyOf(chain);
    }

    @Override
    public Protocol protocol() {
        return Protocol.VALKEY;
    }
}
