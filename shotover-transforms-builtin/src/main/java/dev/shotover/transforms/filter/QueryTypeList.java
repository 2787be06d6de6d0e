package dev.shotover.transforms.filter;

import dev.shotover.api.QueryType;
import dev.shotover.api.config.ConfigName;
import dev.shotover.api.config.Required;
import java.util.List;
import java.util.Objects;

/**
 * Which query types {@link QueryTypeFilter} lets through. In YAML the variant key sits directly in the
 * transform's map: {@code AllowList: [Read]} or {@code DenyList: [Write]}.
 */
public sealed interface QueryTypeList {

    /** True when a request of this type must be filtered out. */
    boolean rejects(QueryType type);

    /** Only requests of these types pass; an empty list filters out everything. */
    @ConfigName("AllowList")
    record AllowList(@Required List<QueryType> types) implements QueryTypeList {
        public AllowList {
            types = List.copyOf(Objects.requireNonNull(types, "types"));
        }

        @Override
        public boolean rejects(QueryType type) {
            return !types.contains(type);
        }
    }

    /** Requests of these types are filtered out; the rest pass. */
    @ConfigName("DenyList")
    record DenyList(@Required List<QueryType> types) implements QueryTypeList {
        public DenyList {
            types = List.copyOf(Objects.requireNonNull(types, "types"));
        }

        @Override
        public boolean rejects(QueryType type) {
            return types.contains(type);
        }
    }
}
