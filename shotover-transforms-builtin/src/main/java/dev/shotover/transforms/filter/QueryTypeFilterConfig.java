package dev.shotover.transforms.filter;

import dev.shotover.api.BuildContext;
import dev.shotover.api.QueryType;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.config.Flatten;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of {@link QueryTypeFilter}. Exactly one of the forms must be given:
 *
 * <pre>{@code
 * - QueryTypeFilter:
 *     AllowList: [Read]          # only reads pass
 * - QueryTypeFilter:
 *     DenyList: [Write]          # writes are filtered out
 * - QueryTypeFilter:
 *     filter: Read               # older form: the same as DenyList: [Read]
 * }</pre>
 *
 * <p>Query types: {@code Read}, {@code Write}, {@code ReadWrite}, {@code SchemaChange}, {@code PubSubMessage}.
 *
 * @param name   the occurrence name, or null to use the type name
 * @param list   {@code AllowList} / {@code DenyList}, flattened into this map; null when absent
 * @param filter the older single-type deny form; null when absent
 */
public record QueryTypeFilterConfig(String name, @Flatten QueryTypeList list, QueryType filter)
        implements TransformConfig {

    /** The list in effect, or null when the configuration is invalid (see {@link #problems()}). */
    public QueryTypeList effectiveList() {
        if (problems().isEmpty()) {
            return list != null ? list : new QueryTypeList.DenyList(List.of(filter));
        }
        return null;
    }

    /** What is wrong with this configuration, one sentence each; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (list == null && filter == null) {
            problems.add("QueryTypeFilter needs one of AllowList: [..], DenyList: [..] or filter: <query type>");
        } else if (list != null && filter != null) {
            problems.add("QueryTypeFilter takes either AllowList/DenyList or the older filter field, not both");
        }
        return problems;
    }

    @Override
    public TransformBuilder builder(BuildContext context) {
        return new QueryTypeFilterBuilder(effectiveList(), problems());
    }
}
